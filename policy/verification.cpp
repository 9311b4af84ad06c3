// Combines chain and identity into a verdict with its trace (TLS-POLICY.md §1, §11).
#include "policy/verification.h"

namespace sealpost::policy {

Result<VerificationTrace> verify_certificate(TlsSetting setting, ChainResult chain, const CertificateNames& leaf,
                                             const DeliveryFacts& facts) {
  VerificationTrace t{.setting = setting,
                      .rules = identity_rules_for(setting),
                      .chain = std::move(chain),
                      .presented = presented_ids(leaf),
                      .ref_ids = {},
                      .identity = {},
                      .verified = false,
                      .verdict = {}};
  for (auto& p : t.presented) {
    if (p.kind != PresentedKind::kCnId || p.is_malformed()) continue;
    for (const auto& cn : t.chain.cns_outside_constraints) {
      if (p.value == cn) p.malformed = "is outside the name constraints of a CA on the path";
    }
  }
  auto refs = build_reference_ids(facts, t.rules);
  if (!refs) return refs.error();
  t.ref_ids = std::move(*refs);
  // Identity is checked even when the chain failed, so the trace answers both questions.
  t.identity = match_identity(t.rules, t.presented, t.ref_ids);
  t.verified = t.chain.ok && t.identity.matched;
  if (t.verified) {
    t.verdict = "verified: chain anchored at " + t.chain.anchor + ", identity " + t.identity.reason;
  } else if (!t.chain.ok) {
    t.verdict = "not verified: chain: " + t.chain.error;
  } else {
    t.verdict = "not verified: identity: " + t.identity.reason;
  }
  return t;
}

}  // namespace sealpost::policy
