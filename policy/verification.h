// One certificate verification (TLS-POLICY.md §1, §11): the chain result that tls/ computed,
// the presented identifiers, the REF-IDs, every comparison and the verdict, in trace order.
// The same VerificationTrace feeds the debug log, `sealpost tlsverify` and the TLS outcome
// record. Pure: the chain was validated elsewhere; this only records and decides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/delivery_facts.h"
#include "policy/identity_match.h"
#include "policy/presented_id.h"
#include "policy/reference_id.h"
#include "policy/result.h"
#include "policy/tls_setting.h"

namespace sealpost::policy {

struct ChainResult {
  bool ok = false;
  std::string anchor;  // trustpoint name (or "system") when ok
  std::string anchor_subject;
  std::string error;          // why the chain failed, when !ok
  std::string error_subject;  // the certificate the error concerns
  int error_depth = -1;       // its place in the path: 0 the leaf, 1 its issuer, …; -1 none
  // Host-name CNs of a leaf with dNSName SANs that a CA's name constraints do not allow: the
  // chain stands (RFC 5280 constrains SANs), but these CN-IDs never match (TLS-POLICY.md §8
  // would otherwise let a constrained CA vouch for any name through the CN).
  std::vector<std::string> cns_outside_constraints;
};

struct VerificationTrace {
  TlsSetting setting;
  IdentityRules rules;
  ChainResult chain;
  std::vector<PresentedId> presented;
  std::vector<ReferenceId> ref_ids;
  IdentityResult identity;
  bool verified = false;  // chain.ok && identity.matched
  std::string verdict;    // one line for people
};

// Errors only on facts that cannot form REF-IDs (see build_reference_ids).
Result<VerificationTrace> verify_certificate(TlsSetting setting, ChainResult chain, const CertificateNames& leaf,
                                             const DeliveryFacts& facts);

}  // namespace sealpost::policy
