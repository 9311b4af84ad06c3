// Name constraints (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c), §6.1.4 (g)) for dNSName, iPAddress
// and directoryName, with the CA/B Forum reading for host names in the Subject CN: a CN that
// is a host name is checked against dNSName subtrees, since the Verify rules match on it
// (TLS-POLICY.md §8). A constraint on any other name type is refused when the certificate
// carries a name of that type, because it cannot be checked. A malformed subtree (a dNSName
// with a leading period or a wildcard, an iPAddress whose mask is not a prefix, minimum or
// maximum present) refuses the path. Untrusted input: CA certificates' constraints and every
// name of the certificates below them. Work is bounded by a comparison budget.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "policy/result.h"
#include "tls/general_names.h"

namespace sealpost::tls {

// Comparisons of one name with one subtree, per validation: 1,000 subtrees × 100 names fit ten
// times over; more is refused rather than computed.
inline constexpr std::size_t kMaxNameConstraintChecks = 1u << 20;

struct NameSubtree {
  GeneralNameType type;
  std::string dns;                     // normalized; empty matches every name
  std::vector<std::uint8_t> ip, mask;  // 4 or 16 octets each
  std::vector<DnAttribute> dn;
  std::string display;  // "example.com", "10.0.0.0/8", "O=Example"
};

struct NameConstraints {
  std::vector<NameSubtree> permitted, excluded;
};

// `der` is the extnValue of nameConstraints. An error means the extension is malformed.
Result<NameConstraints> parse_name_constraints(std::span<const std::uint8_t> der);

// The names of one certificate that constraints apply to.
struct ConstrainedNames {
  std::vector<std::string> dns;       // SAN dNSNames, normalized; a wildcard name keeps its "*." label
  std::vector<std::string> cn_hosts;  // the leaf's CNs that are host names, normalized
  std::vector<std::vector<std::uint8_t>> ips;
  std::vector<std::vector<DnAttribute>> dirs;                      // the subject (when not empty) and SAN directoryNames
  std::vector<std::pair<GeneralNameType, std::string>> unchecked;  // other types; names we cannot read
};

// `leaf`: the end-entity certificate, whose host-name CNs are checked as dNSNames.
ConstrainedNames constrained_names(const Botan::X509_Certificate& cert, const std::vector<RawExtension>& extensions, bool leaf);

// Empty when every name is allowed; otherwise which constraint refused which name.
// `budget` counts comparisons down; reaching zero refuses. The CN host names are checked as
// dNSNames; when the certificate also has dNSName SANs, a CN outside the constraints does
// not refuse it but is added to `cns_outside` (ChainResult::cns_outside_constraints).
std::string check_name_constraints(const NameConstraints& nc, const ConstrainedNames& names, std::size_t& budget,
                                   std::vector<std::string>& cns_outside);

}  // namespace sealpost::tls
