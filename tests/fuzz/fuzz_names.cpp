// Fuzz target: presented and reference name normalization and matching (TLS-POLICY.md §3-4).
// Input: "presented\nreference". Checks invariants, not just absence of crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/domain_name.h"
#include "policy/name_match.h"
#include "policy/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::policy;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto nl = in.find('\n');
  const std::string_view presented = in.substr(0, nl);
  const std::string_view reference = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  auto p = normalize_presented_name(presented);
  auto r = normalize_reference_name(reference);
  (void)escape_for_display(in);
  if (p && p->size() > kMaxDnsNameOctets) std::abort();
  if (r && r->find('*') != std::string::npos) std::abort();
  // A reference name comes out as ASCII (U-labels become A-labels), and normalizing it again
  // changes nothing.
  if (r && has_non_ascii(*r)) std::abort();
  if (r) {
    auto again = normalize_reference_name(*r);
    if (!again || *again != *r) std::abort();
  }
  if (p && r) {
    const NameMatch m = match_name(*p, *r);
    // A wildcard match needs a wildcard; an exact match needs equal names.
    if (m == NameMatch::kWildcard && !p->starts_with("*.")) std::abort();
    if (m == NameMatch::kExact && *p != *r) std::abort();
    // Normalizing is idempotent.
    auto again = normalize_presented_name(*p);
    if (!again || *again != *p) std::abort();
  }
  return 0;
}
