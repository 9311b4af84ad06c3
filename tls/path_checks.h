// The checks of RFC 5280 §6.1 over one candidate path that the path builder found
// (chain_validator.cpp), with the profile Sealpost holds every verifying setting to (README
// "Chain validation"): validity at the given time; version, serial number, extensions
// (duplicates, unknown critical ones, AKI/SKI) and keys of every certificate; the role of
// each (the leaf is no CA and is for TLS servers, every issuer is a CA whose constraints do
// not contradict each other); pathLenConstraint with self-issued certificates not counted
// (§6.1.4 (l)); name constraints (name_constraints.h). Signatures were checked by the builder.
// A pinned leaf (the path is the anchor alone) is checked for validity, extensions and key.
// Untrusted input: every certificate of the path except the anchor.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tls/certificate.h"

namespace sealpost::tls {

inline constexpr std::size_t kMaxSerialOctets = 20;  // RFC 5280 §4.1.2.2
inline constexpr std::size_t kMinRsaBits = 2048;     // CA/B BR §6.1.5; Botan's 110-bit default

struct PathFailure {
  std::size_t depth;  // 0 = the leaf
  std::string why;
};

// `path` runs from the leaf (front) to the anchor (back). `nc_budget` is shared by every path
// of one validation (name_constraints.h); `cns_outside` receives the leaf's CN host names that
// the constraints do not allow beside its dNSName SANs (policy::ChainResult). `system_anchor`:
// the anchor comes from the system CA bundle (see Role::kSystemRoot in path_checks.cpp).
std::optional<PathFailure> check_path(const std::vector<const Certificate*>& path, std::chrono::system_clock::time_point at,
                                      std::size_t& nc_budget, std::vector<std::string>& cns_outside, bool system_anchor = false);

}  // namespace sealpost::tls
