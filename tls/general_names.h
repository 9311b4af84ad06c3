// GeneralName (RFC 5280 §4.2.1.6) as Sealpost reads it from untrusted certificates: the
// subjectAltName of a leaf, the subtrees of a nameConstraints extension, and the raw
// extension list of a TBSCertificate (§4.1) with duplicates and critical flags kept, which
// Botan's Extensions map folds away. Every value stays as encoded; callers decide.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "policy/result.h"

namespace Botan {
class X509_Certificate;
}

namespace sealpost::tls {

// The CHOICE tags of GeneralName, RFC 5280 §4.2.1.6.
enum class GeneralNameType {
  kOther = 0,
  kRfc822 = 1,
  kDns = 2,
  kX400 = 3,
  kDirectory = 4,
  kEdiParty = 5,
  kUri = 6,
  kIp = 7,
  kRegisteredId = 8
};

std::string_view to_string(GeneralNameType type);  // "otherName", "rfc822Name", "dNSName", …

struct GeneralName {
  GeneralNameType type;
  // The content octets: IA5 text for rfc822Name/dNSName/URI, address octets for iPAddress,
  // the DER of the Name (a SEQUENCE) for directoryName, the raw contents otherwise.
  std::vector<std::uint8_t> value;
};

// `der` is a SEQUENCE OF GeneralName (a subjectAltName value, or the GeneralSubtrees' bases
// are read by name_constraints.cpp with read_general_name).
Result<std::vector<GeneralName>> decode_general_names(std::span<const std::uint8_t> der);

// One attribute of a distinguished name, in order, value folded for comparison (RFC 5280
// §7.1: case-insensitive, runs of white space as one, leading and trailing space ignored).
struct DnAttribute {
  std::string oid;
  std::string value;
  friend bool operator==(const DnAttribute&, const DnAttribute&) = default;
};
Result<std::vector<DnAttribute>> decode_dn(std::span<const std::uint8_t> der);

struct RawExtension {
  std::string oid;  // dotted
  bool critical = false;
  std::vector<std::uint8_t> value;  // extnValue's content
};

// Every extension of the certificate in encoded order, duplicates included.
Result<std::vector<RawExtension>> read_extensions(const Botan::X509_Certificate& cert);

}  // namespace sealpost::tls
