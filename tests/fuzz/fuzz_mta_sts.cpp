// Fuzz target: MTA-STS policy bodies, _mta-sts TXT records (policy/mta_sts.h, RFC 8461
// §3.1–3.2), policy cache files (policy/sts_cache.h) and _smtp._tls TXT records
// (policy/tlsrpt_txt.h, RFC 8460 §3). Untrusted: every byte an HTTPS server or a DNS answer sends. Invariants:
// no crash; a parsed policy keeps its bounds (max_age, pattern count, mx unless mode none) and every pattern it keeps matches a
// host made from it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "policy/mta_sts.h"
#include "policy/sts_cache.h"
#include "policy/tlsrpt_txt.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::policy;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto p = parse_sts_policy(text)) {
    if (p->max_age > kMaxStsMaxAge || p->mx.size() > kMaxStsMxPatterns) std::abort();
    if (p->mode != StsMode::kNone && p->mx.empty()) std::abort();
    for (const auto& m : p->mx) {
      const std::string host = m.starts_with("*.") ? "a" + m.substr(1) : m;
      if (!sts_mx_allowed(*p, host)) std::abort();
    }
  }
  // The same bytes as a cache file (SPOOL/mta-sts/DOMAIN): what parses writes back the same.
  if (auto e = parse_sts_cache_entry(text)) {
    if (e->max_age > kMaxStsMaxAge) std::abort();
    auto again = parse_sts_cache_entry(serialize_sts_cache_entry(*e));
    if (!again || again->policy != e->policy || again->id != e->id || again->fetched_at != e->fetched_at) std::abort();
  }
  // The same bytes as TXT records, split at NUL.
  std::vector<std::string> records;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t nul = std::min(text.find('\0', start), text.size());
    records.push_back(text.substr(start, nul - start));
    start = nul + 1;
  }
  if (auto t = parse_sts_txt(records); t && *t) {
    if ((*t)->id.empty() || (*t)->id.size() > kMaxStsIdLength) std::abort();
  }
  if (auto t = parse_tlsrpt_txt(records); t && *t) {
    if ((*t)->rua.empty() || (*t)->rua.size() > kMaxTlsRptUris) std::abort();
    for (const auto& u : (*t)->rua) {
      if (u.size() > kMaxTlsRptUriLength || !(u.starts_with("mailto:") || u.starts_with("https://"))) std::abort();
      if (u.find(',') != std::string::npos || u.find(' ') != std::string::npos) std::abort();
    }
  }
  return 0;
}
