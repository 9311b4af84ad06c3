// MTA-STS discovery for one Policy Domain (RFC 8461 §3, §5.1; DANE-MTA-STS.md §2 rules 2–5):
// the `_mta-sts` TXT record, the cache plan (policy/sts_cache.h), and when the plan says so
// the fetch from the addresses of mta-sts.DOMAIN in order (sts_policy_fetch.h) with the body
// parsed; then what the cache should hold and which policy applies. The cache itself is the
// caller's (mta/queue keeps it in the spool; tlsverify only reads it). Untrusted: the DNS
// answers and the HTTPS response, judged by the modules named above.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "dns/sts_txt_lookup.h"
#include "mta/client/sts_policy_fetch.h"
#include "policy/mta_sts.h"
#include "policy/sts_cache.h"
#include "policy/sts_host.h"

namespace sealpost::mta {

struct StsDiscoveryRequest {
  std::string domain;
  std::optional<policy::StsCacheEntry> cached;
  std::int64_t now = 0;       // seconds since the epoch
  bool force_fetch = false;   // the background refresh: fetch even when the id is unchanged
  bool fetch_always = false;  // `sealpost mta-sts fetch`: fetch whatever the TXT record says
  bool never_fetch = false;   // only the TXT record and the cache
  std::uint16_t port = 443;   // of the policy host (tests remap it)
  std::chrono::milliseconds timeout = kStsFetchTimeout;
};

struct StsDiscovery {
  std::string domain;
  dns::StsTxtResult txt;
  policy::StsPlan plan;
  std::vector<policy::IpAddress> addresses;  // of mta-sts.DOMAIN, when a fetch was tried
  std::string address_problem;
  std::optional<StsFetchResult> fetch;
  std::optional<Result<policy::StsPolicy>> fetched_policy;  // the fetched body, parsed
  // RFC 8460 §4.3.2 when the fetch failed: sts-policy-fetch-error, sts-policy-invalid or
  // sts-webpki-invalid, and why.
  std::string failure_type;
  std::string failure;
  std::optional<policy::StsCacheEntry> store;    // what the cache should now hold (to be saved)
  std::optional<policy::StsCacheEntry> applies;  // the entry whose policy applies
  std::string origin;                            // "fetch" or "cache", with applies

  bool fetched_ok() const { return fetched_policy && fetched_policy->has_value(); }
};

boost::asio::awaitable<StsDiscovery> discover_sts(const SessionContext& context, dns::Resolver& resolver,
                                                  StsDiscoveryRequest request);

// The policy in force for a delivery under the destination's switch: nothing when no policy
// applies, its mode is none, the switch is off, or the cached text no longer parses; with
// origin "none" when a TXT record announced a policy that could not be fetched (for TLS-RPT).
std::optional<policy::StsInForce> sts_in_force(const StsDiscovery& discovery, policy::StsSetting setting);

}  // namespace sealpost::mta
