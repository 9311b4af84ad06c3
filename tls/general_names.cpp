// Decoding of GeneralName, Name and the extension list (see general_names.h) with Botan's
// BER decoder. Untrusted input: certificate DER. Botan throws on malformed DER: caught here.
#include "tls/general_names.h"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

namespace sealpost::tls {
namespace {

constexpr auto kContext = Botan::ASN1_Class::ContextSpecific;
constexpr auto kContextConstructed = Botan::ASN1_Class::ExplicitContextSpecific;

std::string fold(std::string_view in) {
  std::string out;
  bool space = false;
  for (const char ch : in) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch | 0x20) : ch);
  }
  return out;
}

}  // namespace

std::string_view to_string(GeneralNameType type) {
  switch (type) {
    case GeneralNameType::kOther: return "otherName";
    case GeneralNameType::kRfc822: return "rfc822Name";
    case GeneralNameType::kDns: return "dNSName";
    case GeneralNameType::kX400: return "x400Address";
    case GeneralNameType::kDirectory: return "directoryName";
    case GeneralNameType::kEdiParty: return "ediPartyName";
    case GeneralNameType::kUri: return "uniformResourceIdentifier";
    case GeneralNameType::kIp: return "iPAddress";
    case GeneralNameType::kRegisteredId: return "registeredID";
  }
  return "unknown";
}

Result<std::vector<GeneralName>> decode_general_names(std::span<const std::uint8_t> der) {
  std::vector<GeneralName> names;
  try {
    Botan::BER_Decoder seq = Botan::BER_Decoder(der.data(), der.size()).start_sequence();
    while (seq.more_items()) {
      const Botan::BER_Object obj = seq.get_next_object();
      const auto tag = static_cast<int>(obj.type());
      if ((obj.get_class() != kContext && obj.get_class() != kContextConstructed) || tag > 8) {
        return Error{"a GeneralName with an unknown tag"};
      }
      std::vector<std::uint8_t> value(obj.bits(), obj.bits() + obj.length());
      if (tag == static_cast<int>(GeneralNameType::kDirectory)) {
        // [4] EXPLICIT Name: the content is the Name's own DER.
        if (obj.get_class() != kContextConstructed) return Error{"a directoryName that is not constructed"};
      }
      names.push_back({.type = static_cast<GeneralNameType>(tag), .value = std::move(value)});
    }
    seq.verify_end();
  } catch (const std::exception& e) {
    return Error{std::string("malformed GeneralNames: ") + e.what()};
  }
  return names;
}

Result<std::vector<DnAttribute>> decode_dn(std::span<const std::uint8_t> der) {
  try {
    Botan::BER_Decoder dec(der.data(), der.size());
    Botan::X509_DN dn;
    dn.decode_from(dec);
    std::vector<DnAttribute> out;
    for (const auto& [oid, str] : dn.dn_info()) out.push_back({.oid = oid.to_string(), .value = fold(str.value())});
    return out;
  } catch (const std::exception& e) {
    return Error{std::string("malformed distinguished name: ") + e.what()};
  }
}

Result<std::vector<RawExtension>> read_extensions(const Botan::X509_Certificate& cert) {
  std::vector<RawExtension> out;
  try {
    // signed_body() is the TBSCertificate's content: version, serial, signature, issuer,
    // validity, subject, SPKI, then optional [1] [2] unique IDs and [3] extensions.
    const auto& tbs = cert.signed_body();
    Botan::BER_Decoder fields(tbs.data(), tbs.size());
    while (fields.more_items()) {
      const Botan::BER_Object obj = fields.get_next_object();
      if (!obj.is_a(3, kContextConstructed)) continue;
      Botan::BER_Decoder list = Botan::BER_Decoder(obj.bits(), obj.length()).start_sequence();
      while (list.more_items()) {
        RawExtension ext;
        Botan::OID oid;
        Botan::BER_Decoder one = list.start_sequence();
        one.decode(oid).decode_optional(ext.critical, Botan::ASN1_Type::Boolean, Botan::ASN1_Class::Universal, false);
        one.decode(ext.value, Botan::ASN1_Type::OctetString).verify_end();
        ext.oid = oid.to_string();
        out.push_back(std::move(ext));
      }
    }
  } catch (const std::exception& e) {
    return Error{std::string("malformed extensions: ") + e.what()};
  }
  return out;
}

}  // namespace sealpost::tls
