// MTA-STS discovery (RFC 8461 §3.1; DANE-MTA-STS.md §2 rule 2): the TXT records at
// `_mta-sts.DOMAIN` (CNAMEs followed by the resolver), each record's strings concatenated,
// then judged by policy::parse_sts_txt. NXDOMAIN and NODATA mean no policy is announced; a
// temporary failure is a DNS error (the caller keeps its cached policy). Untrusted: the answer.
#pragma once

#include <functional>
#include <string>

#include "dns/resolver.h"
#include "policy/sts_cache.h"

namespace sealpost::dns {

struct StsTxtResult {
  policy::StsTxtAnswer answer = policy::StsTxtAnswer::kDnsError;
  std::string id;      // with kFound
  std::string reason;  // what was found or why not, for the trace
};

void lookup_sts_txt(Resolver& resolver, const std::string& domain, std::function<void(StsTxtResult)> done);

}  // namespace sealpost::dns
