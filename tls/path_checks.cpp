// RFC 5280 §6.1 path checks and Sealpost's certificate profile (see path_checks.h).
// Untrusted input: the certificates' DER, read through Botan and general_names.h.
#include "tls/path_checks.h"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/pk_keys.h>
#include <botan/x509cert.h>

#include <algorithm>
#include <array>

#include "tls/general_names.h"
#include "tls/name_constraints.h"

namespace sealpost::tls {
namespace {

namespace oid {
constexpr std::string_view kSubjectKeyId = "2.5.29.14";
constexpr std::string_view kKeyUsage = "2.5.29.15";
constexpr std::string_view kSubjectAltName = "2.5.29.17";
constexpr std::string_view kIssuerAltName = "2.5.29.18";
constexpr std::string_view kBasicConstraints = "2.5.29.19";
constexpr std::string_view kNameConstraints = "2.5.29.30";
constexpr std::string_view kCrlDistributionPoints = "2.5.29.31";
constexpr std::string_view kCertificatePolicies = "2.5.29.32";
constexpr std::string_view kPolicyMappings = "2.5.29.33";
constexpr std::string_view kAuthorityKeyId = "2.5.29.35";
constexpr std::string_view kPolicyConstraints = "2.5.29.36";
constexpr std::string_view kExtKeyUsage = "2.5.29.37";
constexpr std::string_view kFreshestCrl = "2.5.29.46";
constexpr std::string_view kInhibitAnyPolicy = "2.5.29.54";
constexpr std::string_view kAuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";
constexpr std::string_view kSubjectInfoAccess = "1.3.6.1.5.5.7.1.11";
constexpr std::string_view kSctList = "1.3.6.1.4.1.11129.2.4.2";
constexpr std::string_view kServerAuth = "1.3.6.1.5.5.7.3.1";
constexpr std::string_view kAnyEku = "2.5.29.37.0";
constexpr std::string_view kRsa = "1.2.840.113549.1.1.1";
constexpr std::string_view kRsaPss = "1.2.840.113549.1.1.10";
constexpr std::string_view kDsa = "1.2.840.10040.4.1";
constexpr std::string_view kEc = "1.2.840.10045.2.1";
constexpr std::string_view kEd25519 = "1.3.101.112";
}  // namespace oid

// RFC 5280 §4.2: "A certificate-using system MUST reject the certificate if it encounters a
// critical extension it does not recognize". These are the ones whose meaning we either
// enforce here or that carry no constraint a validator must apply. Certificate policies are
// not processed (initial-policy-set any-policy, no explicit policy required), so a policy
// constraint that requires an explicit policy is refused where it is read.
constexpr std::array kUnderstood = {
    oid::kSubjectKeyId,     oid::kKeyUsage,         oid::kSubjectAltName,        oid::kIssuerAltName,
    oid::kBasicConstraints, oid::kNameConstraints,  oid::kCrlDistributionPoints, oid::kCertificatePolicies,
    oid::kPolicyMappings,   oid::kAuthorityKeyId,   oid::kPolicyConstraints,     oid::kExtKeyUsage,
    oid::kFreshestCrl,      oid::kInhibitAnyPolicy, oid::kAuthorityInfoAccess,   oid::kSubjectInfoAccess,
    oid::kSctList};

// Named curves a CA/B-conforming certificate may carry (BR §6.1.5), as DER OIDs.
// (sv literals: the P-384 and P-521 OIDs hold a zero octet.)
using namespace std::string_view_literals;
constexpr std::string_view kCurves[] = {"\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07"sv,  // P-256
                                        "\x06\x05\x2b\x81\x04\x00\x22"sv,              // P-384
                                        "\x06\x05\x2b\x81\x04\x00\x23"sv};             // P-521

// kSystemRoot: a root from the system CA bundle, vetted by its root program. Seven of the 144
// in Debian 12's bundle predate the encoding rules (non-critical basicConstraints: Go Daddy
// and Starfield Class 2, Chunghwa ePKI; no SKI: Hongkong Post 1, TWCA Global; an AKI with
// issuer and serial: Certigna, QuoVadis 2 and 3) and still anchor live chains: for them the
// encoding checks are skipped, never the role, key or extension checks.
enum class Role { kPinned, kLeaf, kIssuer, kRoot, kSystemRoot };

struct Facts {
  std::vector<RawExtension> extensions;
  const RawExtension* find(std::string_view id) const {
    for (const auto& e : extensions) {
      if (e.oid == id) return &e;
    }
    return nullptr;
  }
};

struct BasicConstraints {
  bool ca = false;
  bool has_path_len = false;
};

Result<BasicConstraints> read_basic_constraints(const RawExtension& e) {
  BasicConstraints bc;
  try {
    Botan::BER_Decoder seq = Botan::BER_Decoder(e.value).start_sequence();
    seq.decode_optional(bc.ca, Botan::ASN1_Type::Boolean, Botan::ASN1_Class::Universal, false);
    if (seq.more_items()) {
      std::size_t len = 0;
      seq.decode(len);
      bc.has_path_len = true;
    }
    seq.verify_end();
  } catch (const std::exception& ex) {
    return Error{std::string("malformed basicConstraints: ") + ex.what()};
  }
  return bc;
}

Result<std::vector<std::string>> read_eku(const RawExtension& e) {
  std::vector<std::string> out;
  try {
    Botan::BER_Decoder seq = Botan::BER_Decoder(e.value).start_sequence();
    while (seq.more_items()) {
      Botan::OID o;
      seq.decode(o);
      out.push_back(o.to_string());
    }
  } catch (const std::exception& ex) {
    return Error{std::string("malformed extendedKeyUsage: ") + ex.what()};
  }
  return out;
}

struct AuthorityKeyId {
  std::vector<std::uint8_t> key_id;
  bool has_issuer_or_serial = false;
};

Result<AuthorityKeyId> read_aki(const RawExtension& e) {
  AuthorityKeyId aki;
  try {
    Botan::BER_Decoder seq = Botan::BER_Decoder(e.value).start_sequence();
    while (seq.more_items()) {
      const Botan::BER_Object obj = seq.get_next_object();
      if (obj.is_a(0, Botan::ASN1_Class::ContextSpecific)) {
        aki.key_id.assign(obj.bits(), obj.bits() + obj.length());
      } else {
        aki.has_issuer_or_serial = true;
      }
    }
  } catch (const std::exception& ex) {
    return Error{std::string("malformed authorityKeyIdentifier: ") + ex.what()};
  }
  return aki;
}

// A known extension must be well-formed, critical or not: one we cannot read is one we do not
// understand (RFC 5280 §4.2), and Botan's own parsing may quietly drop it. (A keyUsage without a bit set,
// RFC 5280 §4.2.1.3, never gets here: Botan refuses the certificate when parsing it.)
std::string check_extension_syntax(const RawExtension& e) {
  const auto sequence_of = [&](std::string_view name, bool pairs) -> std::string {
    Botan::BER_Decoder top(e.value);
    Botan::BER_Decoder seq = top.start_sequence();
    std::size_t n = 0;
    for (; seq.more_items(); ++n) {
      Botan::BER_Decoder item = seq.start_sequence();
      if (pairs) {  // AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName }
        Botan::OID method;
        item.decode(method);
        (void)item.get_next_object();
        item.verify_end();
      } else {
        item.discard_remaining();
      }
    }
    seq.verify_end();
    top.verify_end();
    return n == 0 ? "empty " + std::string(name) + " (RFC 5280: SIZE (1..MAX))" : std::string();
  };
  try {
    if (e.oid == oid::kSubjectAltName || e.oid == oid::kIssuerAltName) {
      auto names = decode_general_names(e.value);
      if (!names) return names.error().message;
      if (names->empty()) return "empty subjectAltName (RFC 5280 §4.2.1.6: SIZE (1..MAX))";
    } else if (e.oid == oid::kAuthorityInfoAccess || e.oid == oid::kSubjectInfoAccess) {
      const std::string name = e.oid == oid::kAuthorityInfoAccess ? "authorityInfoAccess" : "subjectInfoAccess";
      if (e.critical) return "critical " + name + " (RFC 5280 §4.2.2: non-critical)";
      return sequence_of(name, true);
    } else if (e.oid == oid::kCertificatePolicies) {
      return sequence_of("certificatePolicies", false);
    } else if (e.oid == oid::kCrlDistributionPoints) {
      return sequence_of("cRLDistributionPoints", false);
    } else if (e.oid == oid::kSubjectKeyId) {
      std::vector<std::uint8_t> id;
      Botan::BER_Decoder(e.value).decode(id, Botan::ASN1_Type::OctetString).verify_end();
    } else if (e.oid == oid::kPolicyConstraints && !e.critical) {
      return "non-critical policyConstraints (RFC 5280 §4.2.1.11: conforming CAs mark it critical)";
    }
  } catch (const std::exception& ex) {
    return "malformed extension " + e.oid + ": " + ex.what();
  }
  return {};
}

std::string check_key(const Botan::X509_Certificate& b) {
  const auto& alg = b.subject_public_key_algo();
  const std::string id = alg.oid().to_string();
  if (id == oid::kEc) {
    const auto& p = alg.parameters();
    const std::string_view der(reinterpret_cast<const char*>(p.data()), p.size());
    if (!der.empty() && der.front() == 0x30)
      return "EC key with explicitly encoded curve parameters (RFC 5480 §2.1.1: named curves only)";
    for (const auto curve : kCurves) {
      if (der == curve) return {};
    }
    return "EC key on a curve other than P-256, P-384 and P-521";
  }
  if (id == oid::kEd25519) return {};
  if (id == oid::kDsa) return "DSA key (not accepted for TLS server certificates)";
  if (id != oid::kRsa && id != oid::kRsaPss) return "public key algorithm " + id + " is not accepted";
  try {
    // The modulus read from the RSAPublicKey (RFC 8017 §A.1.1): loading the key would cost
    // Botan's Montgomery set-up, the dearest step of a validation.
    Botan::BigInt modulus;
    Botan::BER_Decoder(b.subject_public_key_bitstring()).start_sequence().decode(modulus);
    const std::size_t bits = modulus.bits();
    if (bits < kMinRsaBits) return "key too small: RSA " + std::to_string(bits) + " bits";
    if (bits % 8 != 0) return "RSA modulus of " + std::to_string(bits) + " bits is not a multiple of 8 (CA/B BR §6.1.5)";
  } catch (const std::exception& e) {
    return std::string("public key cannot be decoded: ") + e.what();
  }
  return {};
}

// What the certificate is on its own, whatever its place: encoding, extensions, key.
// `anchor`: the certificate ends the path; a CA anchor's serial number is the CA's own business
// (Starfield Root G2, which anchors Amazon's chains, has serial 0), a pinned leaf's is not.
std::string check_certificate(const Botan::X509_Certificate& b, const Facts& f, Role role, bool anchor) {
  for (std::size_t i = 0; i < f.extensions.size(); ++i) {
    const RawExtension& e = f.extensions[i];
    for (std::size_t j = 0; j < i; ++j) {
      // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
      if (f.extensions[j].oid == e.oid) return "extension " + e.oid + " appears twice (RFC 5280 §4.2)";
    }
    if (e.critical && std::find(kUnderstood.begin(), kUnderstood.end(), e.oid) == kUnderstood.end()) {
      return "unknown critical extension " + e.oid + " (RFC 5280 §4.2)";
    }
    if (auto why = check_extension_syntax(e); !why.empty()) return why;
  }
  if (auto weak = check_key(b); !weak.empty()) return weak;
  const auto& serial = b.serial_number();
  const bool serial_checked = !anchor || role == Role::kPinned;
  if (serial_checked && b.is_serial_negative()) return "negative serial number (RFC 5280 §4.1.2.2)";
  if (serial_checked && std::all_of(serial.begin(), serial.end(), [](std::uint8_t c) { return c == 0; }))
    return "serial number zero (RFC 5280 §4.1.2.2)";
  // DER keeps a leading zero octet for a positive number whose top bit is set.
  const std::size_t octets = serial.size() - (serial.size() > 1 && serial.front() == 0 ? 1 : 0);
  if (serial_checked && octets > kMaxSerialOctets) return "serial number longer than 20 octets (RFC 5280 §4.1.2.2)";
  if (role == Role::kPinned) return {};  // the operator trusts exactly this certificate

  const bool encoding_checked = role != Role::kSystemRoot;
  if (b.x509_version() != 3) return "version " + std::to_string(b.x509_version()) + " certificate (v3 required)";

  if (const auto* ski = f.find(oid::kSubjectKeyId); ski && ski->critical)
    return "critical subjectKeyIdentifier (RFC 5280 §4.2.1.2)";
  const bool self_signed = b.is_self_signed();
  if (const auto* e = f.find(oid::kAuthorityKeyId); e && encoding_checked) {
    if (e->critical) return "critical authorityKeyIdentifier (RFC 5280 §4.2.1.1)";
    auto aki = read_aki(*e);
    if (!aki) return aki.error().message;
    if (aki->has_issuer_or_serial) return "authorityKeyIdentifier with authorityCertIssuer or serial (CA/B BR §7.1.2.11.1)";
    if (aki->key_id.empty()) return "authorityKeyIdentifier without keyIdentifier (CA/B BR §7.1.2.11.1)";
    if (self_signed && aki->key_id != b.subject_key_id())
      return "self-signed certificate whose authorityKeyIdentifier is not its subjectKeyIdentifier";
  } else if (!self_signed && role != Role::kLeaf) {
    // A server certificate without it is accepted: OpenSSL before 3.0 left it out of every
    // certificate made with a SAN-only extension file, and path building does not need it.
    return "CA certificate without authorityKeyIdentifier (RFC 5280 §4.2.1.1)";
  }

  BasicConstraints bc;
  const auto* bc_ext = f.find(oid::kBasicConstraints);
  if (bc_ext) {
    auto r = read_basic_constraints(*bc_ext);
    if (!r) return r.error().message;
    bc = *r;
  }
  const Botan::Key_Constraints ku = b.constraints();
  const bool has_ku = f.find(oid::kKeyUsage) != nullptr;
  const bool cert_sign = has_ku && ku.includes(Botan::Key_Constraints::KeyCertSign);
  // RFC 5280 §4.2.1.3/§4.2.1.9: keyCertSign only with cA, pathLenConstraint only with cA.
  if (cert_sign && !bc.ca) return "keyUsage keyCertSign without basicConstraints cA (RFC 5280 §4.2.1.3)";
  if (bc.has_path_len && !bc.ca) return "pathLenConstraint without basicConstraints cA (RFC 5280 §4.2.1.9)";

  const auto* eku_ext = f.find(oid::kExtKeyUsage);
  std::vector<std::string> eku;
  if (eku_ext) {
    auto r = read_eku(*eku_ext);
    if (!r) return r.error().message;
    eku = std::move(*r);
    if (eku.empty()) return "empty extendedKeyUsage (RFC 5280 §4.2.1.12: at least one purpose)";
  }
  const auto has = [&](std::string_view purpose) { return std::find(eku.begin(), eku.end(), purpose) != eku.end(); };

  if (role == Role::kLeaf) {
    const auto* san = f.find(oid::kSubjectAltName);
    const bool empty_subject = b.raw_subject_dn().size() <= 2;
    // RFC 5280 §4.2.1.6: "If the subject field contains an empty sequence, then the issuing CA
    // MUST include a subjectAltName extension that is marked as critical." (A CA's subject
    // may not be empty at all, below.)
    if (empty_subject && (!san || !san->critical)) return "empty subject without a critical subjectAltName (RFC 5280 §4.2.1.6)";
    if (san && san->critical && !empty_subject) return "critical subjectAltName beside a subject (CA/B BR §7.1.2.7.12)";
    if (bc.ca) return "the server's certificate is a CA certificate (basicConstraints cA)";
    if (cert_sign) return "the server's certificate may sign certificates (keyUsage keyCertSign)";
    using K = Botan::Key_Constraints;
    if (has_ku && !ku.includes_any(K::DigitalSignature, K::KeyEncipherment, K::KeyAgreement)) {
      return "keyUsage allows neither digitalSignature, keyEncipherment nor keyAgreement";
    }
    if (f.find(oid::kNameConstraints)) return "nameConstraints in a certificate that is not a CA (RFC 5280 §4.2.1.10)";
    // RFC 5280 §4.2.1.12: without the extension the key serves any purpose. CA/B BR
    // §7.1.2.7.10 requires it of public CAs; private CAs (and `openssl x509 -req` with a
    // SAN-only extension file) leave it out, and Postfix and OpenSSL accept that.
    if (!eku_ext) return {};
    if (eku_ext->critical) return "critical extendedKeyUsage in the server's certificate (CA/B BR §7.1.2.7.10)";
    if (has(oid::kAnyEku)) return "anyExtendedKeyUsage in the server's certificate (CA/B BR §7.1.2.7.10)";
    if (!has(oid::kServerAuth)) return "certificate is not valid for TLS server use (extended key usage)";
    return {};
  }
  // An issuer: a CA, RFC 5280 §6.1.4 (k) and (n).
  if (!bc.ca || (has_ku && !cert_sign)) return "issuer is not a CA certificate (basic constraints or key usage)";
  if (encoding_checked && !bc_ext->critical) return "basicConstraints of a CA certificate is not critical (RFC 5280 §4.2.1.9)";
  if (b.raw_subject_dn().size() <= 2) return "CA certificate with an empty subject (RFC 5280 §4.1.2.6)";
  if (encoding_checked && !f.find(oid::kSubjectKeyId)) return "CA certificate without subjectKeyIdentifier (RFC 5280 §4.2.1.2)";
  if (eku_ext && role != Role::kIssuer) return "root certificate with extendedKeyUsage (CA/B BR §7.1.2.1.2)";
  if (eku_ext && !has(oid::kServerAuth) && !has(oid::kAnyEku)) return "issuer's extendedKeyUsage does not allow TLS server use";
  if (const auto* pc = f.find(oid::kPolicyConstraints)) {
    try {
      Botan::BER_Decoder seq = Botan::BER_Decoder(pc->value).start_sequence();
      if (seq.more_items() && seq.get_next_object().is_a(0, Botan::ASN1_Class::ContextSpecific)) {
        return "policyConstraints requireExplicitPolicy (certificate policies are not processed)";
      }
    } catch (const std::exception& ex) {
      return std::string("malformed policyConstraints: ") + ex.what();
    }
  }
  return {};
}

bool self_issued(const Botan::X509_Certificate& b) { return b.raw_subject_dn() == b.raw_issuer_dn(); }

std::string validity(const Botan::X509_Certificate& b, std::chrono::system_clock::time_point at) {
  const Botan::X509_Time now(at);
  if (b.not_before().cmp(now) > 0) return "certificate is not yet valid (from " + b.not_before().readable_string() + ")";
  if (b.not_after().cmp(now) < 0) return "certificate has expired (on " + b.not_after().readable_string() + ")";
  return {};
}

}  // namespace

std::optional<PathFailure> check_path(const std::vector<const Certificate*>& path, std::chrono::system_clock::time_point at,
                                      std::size_t& nc_budget, std::vector<std::string>& cns_outside, bool system_anchor) {
  const std::size_t n = path.size();
  std::vector<Facts> facts(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Botan::X509_Certificate& b = path[i]->botan();
    if (auto why = validity(b, at); !why.empty()) return PathFailure{i, why};
    auto ext = read_extensions(b);
    if (!ext) return PathFailure{i, ext.error().message};
    facts[i].extensions = std::move(*ext);
    const bool root = i == n - 1 && b.is_self_signed();
    const Role role = n == 1   ? Role::kPinned
                      : i == 0 ? Role::kLeaf
                      : root   ? (system_anchor ? Role::kSystemRoot : Role::kRoot)
                               : Role::kIssuer;
    if (auto why = check_certificate(b, facts[i], role, i == n - 1); !why.empty()) return PathFailure{i, why};
  }
  if (n == 1) return std::nullopt;

  // §6.1.4 (l)–(m), from the anchor down: the anchor's own limit starts the count, and a
  // self-issued intermediate "is not counted".
  std::size_t max_path = path.back()->botan().path_limit();
  std::size_t limited_by = n - 1;
  for (std::size_t i = n - 1; i-- > 1;) {
    const Botan::X509_Certificate& b = path[i]->botan();
    if (!self_issued(b)) {
      if (max_path == 0) {
        return PathFailure{i, "path length constraint exceeded (set by " + path[limited_by]->subject() + ")"};
      }
      --max_path;
    }
    if (b.path_limit() < max_path) {
      max_path = b.path_limit();
      limited_by = i;
    }
  }

  // §6.1.3 (b)–(c): each CA's subtrees bind every certificate below it, except self-issued
  // intermediates; a malformed constraint refuses the path whatever it would have said.
  std::vector<std::optional<ConstrainedNames>> names(n);
  for (std::size_t k = 1; k < n; ++k) {
    const RawExtension* e = facts[k].find(oid::kNameConstraints);
    if (!e) continue;
    auto nc = parse_name_constraints(e->value);
    if (!nc) return PathFailure{k, "name constraints: " + nc.error().message};
    for (std::size_t j = 0; j < k; ++j) {
      if (j > 0 && self_issued(path[j]->botan())) continue;
      if (!names[j]) names[j] = constrained_names(path[j]->botan(), facts[j].extensions, j == 0);
      if (auto why = check_name_constraints(*nc, *names[j], nc_budget, cns_outside); !why.empty()) {
        return PathFailure{j, "name constraints of " + path[k]->subject() + ": " + why};
      }
    }
  }
  return std::nullopt;
}

}  // namespace sealpost::tls
