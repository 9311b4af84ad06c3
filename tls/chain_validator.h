// Chain validation with partial chains (TLS-POLICY.md §1–2, RFC 5280 §6.1): builds paths
// from the leaf through the presented certificates to any certificate of a trustpoint,
// trying candidate issuers in a sensible order (anchors first, then the issuer the leaf's
// authorityKeyIdentifier names, then those valid at the time, newest first) and
// backtracking when a path fails, until one passes every check of path_checks.h. Building is
// bounded (depth, presented certificates, signature checks, name-constraint comparisons) so a
// hostile chain cannot make it hang. Revocation is not checked (`revocation-check none`).
#pragma once

#include <chrono>
#include <vector>

#include "policy/verification.h"
#include "tls/certificate.h"

namespace sealpost::tls {

struct Trustpoint;

inline constexpr std::size_t kMaxPresentedCertificates = 16;
inline constexpr std::size_t kMaxPathLength = 8;        // leaf + up to 7 issuers
inline constexpr std::size_t kMaxSignatureChecks = 64;  // per validation, each pair checked once

policy::ChainResult validate_chain(const std::vector<Certificate>& chain, const std::vector<Trustpoint>& trustpoints,
                                   std::chrono::system_clock::time_point at);

}  // namespace sealpost::tls
