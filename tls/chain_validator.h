// Chain validation with partial chains (TLS-POLICY.md §1–2, RFC 5280 §6 in the parts that
// apply): builds a path from the leaf through the presented certificates to any certificate
// of a trustpoint, checking signatures, validity at the given time, CA basic constraints and
// key usage, path length limits, weak signature hashes and key sizes. Path building is
// bounded (depth, candidates, signature checks) so a hostile chain cannot make it hang.
// Revocation is not checked (`revocation-check none`).
#pragma once

#include <chrono>
#include <vector>

#include "policy/verification.h"
#include "tls/certificate.h"

namespace sealpost::tls {

struct Trustpoint;

inline constexpr std::size_t kMaxPresentedCertificates = 16;
inline constexpr std::size_t kMaxPathLength = 8;        // leaf + up to 7 issuers
inline constexpr std::size_t kMaxSignatureChecks = 64;  // per validation
inline constexpr std::size_t kMinRsaBits = 2048;        // Botan's default minimum strength (110 bits)

policy::ChainResult validate_chain(const std::vector<Certificate>& chain, const std::vector<Trustpoint>& trustpoints,
                                   std::chrono::system_clock::time_point at);

}  // namespace sealpost::tls
