// The TXT records that announce policies (RFC 8461 §3.1 `_mta-sts.DOMAIN`, RFC 8460 §3
// `_smtp._tls.DOMAIN`): each record's strings concatenated, CNAMEs followed by the resolver,
// then judged by policy/mta_sts.h or policy/tlsrpt_txt.h. NXDOMAIN and NODATA mean nothing is
// announced; a temporary failure is a DNS error. Untrusted: the answer.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dns/resolver.h"

namespace sealpost::dns {

// The records of a TXT answer, each the concatenation of its strings.
std::vector<std::string> joined_txt_records(const LookupResult& result);

// `_smtp._tls.DOMAIN` (RFC 8460 §3): the rua URIs, or why there are none.
struct TlsRptResult {
  std::vector<std::string> rua;  // empty: no usable record
  std::string reason;            // what was found or why not
};

void lookup_tlsrpt_txt(Resolver& resolver, const std::string& domain, std::function<void(TlsRptResult)> done);

}  // namespace sealpost::dns
