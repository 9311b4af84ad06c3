// Identity check of TLS-POLICY.md §8 (Verify) and §9 (Hosted): compare presented identifiers
// with trusted REF-IDs in the rules' order; the first match wins and names its rule. Every
// comparison made is recorded for the trace (§11).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/name_match.h"
#include "policy/presented_id.h"
#include "policy/reference_id.h"
#include "policy/tls_setting.h"

namespace sealpost::policy {

struct Comparison {
  std::size_t presented;  // index into the presented identifiers
  std::size_t ref_id;     // index into the REF-IDs
  std::string rule;       // the rule this comparison belongs to
  NameMatch result;
};

struct IdentityResult {
  bool matched = false;
  std::string rule;  // the matching rule's name, empty when nothing matched
  std::optional<Comparison> match;
  std::vector<Comparison> comparisons;
  std::string reason;  // one line: why it matched, or why nothing did
};

// One comparison (§4): a malformed presented identifier never matches; an IP REF-ID matches an
// IP-ID by exact address only; names match exactly or by wildcard.
NameMatch compare_identifiers(const PresentedId& presented, const ReferenceId& ref);

IdentityResult match_identity(IdentityRules rules, const std::vector<PresentedId>& presented,
                              const std::vector<ReferenceId>& refs);

// DANE-TA's name check (RFC 7672 §3.2.3): the same presented-ID logic as §9 (CN-IDs only
// without a DNS-ID), against the REF-IDs from tlsa-base, mx-host and recipient-domain in that
// order; rules "dane-ta:" + the source.
IdentityResult match_dane_identity(const std::vector<PresentedId>& presented, const std::vector<ReferenceId>& refs);

}  // namespace sealpost::policy
