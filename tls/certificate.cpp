// Certificate inspection on Botan 3. Botan throws on malformed input: caught here and
// turned into an error (STYLE.md "Errors"). The SAN extension (RFC 5280 §4.2.1.6) is decoded
// by hand from its DER so that every GeneralName reaches policy/ exactly as encoded.
#include "tls/certificate.h"

#include <botan/ber_dec.h>
#include <botan/hex.h>
#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509_ext.h>
#include <botan/x509cert.h>

#include <sstream>

#include "policy/domain_name.h"

namespace sealpost::tls {
namespace {

constexpr int kGeneralNameDns = 2;  // dNSName [2] IA5String
constexpr int kGeneralNameIp = 7;   // iPAddress [7] OCTET STRING

std::string hex_colons(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i) out += ':';
    out += Botan::hex_encode(&bytes[i], 1, true);
  }
  return out.empty() ? "(none)" : out;
}

std::string key_usage_text(Botan::Key_Constraints k) {
  using K = Botan::Key_Constraints;
  static constexpr std::pair<K::Bits, const char*> kNames[] = {{K::DigitalSignature, "digitalSignature"},
                                                               {K::NonRepudiation, "nonRepudiation"},
                                                               {K::KeyEncipherment, "keyEncipherment"},
                                                               {K::DataEncipherment, "dataEncipherment"},
                                                               {K::KeyAgreement, "keyAgreement"},
                                                               {K::KeyCertSign, "keyCertSign"},
                                                               {K::CrlSign, "cRLSign"},
                                                               {K::EncipherOnly, "encipherOnly"},
                                                               {K::DecipherOnly, "decipherOnly"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (k.includes(bit)) out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out.empty() ? "(not present)" : out;
}

// RFC 5280 §4.2.1.12 names, as operators know them from OpenSSL and IOS.
std::string eku_name(const Botan::OID& oid) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"1.3.6.1.5.5.7.3.1", "serverAuth"},      {"1.3.6.1.5.5.7.3.2", "clientAuth"},   {"1.3.6.1.5.5.7.3.3", "codeSigning"},
      {"1.3.6.1.5.5.7.3.4", "emailProtection"}, {"1.3.6.1.5.5.7.3.8", "timeStamping"}, {"1.3.6.1.5.5.7.3.9", "OCSPSigning"},
      {"2.5.29.37.0", "anyExtendedKeyUsage"}};
  const std::string dotted = oid.to_string();
  for (const auto& [o, name] : kNames) {
    if (o == dotted) return std::string(name);
  }
  return dotted;
}

std::string oid_name(const Botan::OID& oid) {
  const std::string name = oid.human_name_or_empty();
  return name.empty() ? oid.to_string() : name + " (" + oid.to_string() + ")";
}

}  // namespace

Result<Certificate> Certificate::from_der(std::span<const std::uint8_t> der) {
  if (der.size() > kMaxCertificateOctets) return Error{"certificate larger than 64 KiB"};
  try {
    return Certificate(std::make_shared<const Botan::X509_Certificate>(der.data(), der.size()),
                       std::vector<std::uint8_t>(der.begin(), der.end()));
  } catch (const std::exception& e) {
    return Error{std::string("not a valid X.509 certificate: ") + e.what()};
  }
}

std::string Certificate::subject() const { return cert_->subject_dn().to_string(); }
std::string Certificate::issuer() const { return cert_->issuer_dn().to_string(); }
std::string Certificate::serial_hex() const { return hex_colons(cert_->serial_number()); }
bool Certificate::is_ca() const { return cert_->is_CA_cert(); }
bool Certificate::is_self_signed() const { return cert_->is_self_signed(); }
std::chrono::system_clock::time_point Certificate::not_after() const { return cert_->not_after().to_std_timepoint(); }
std::string Certificate::fingerprint(std::string_view hash) const { return cert_->fingerprint(std::string(hash)); }
std::string Certificate::to_pem() const { return cert_->PEM_encode(); }

bool operator==(const Certificate& a, const Certificate& b) { return *a.der_ == *b.der_; }

policy::CertificateNames Certificate::names() const {
  policy::CertificateNames n;
  n.common_names = cert_->subject_info("X520.CommonName");
  const auto raw = cert_->v3_extensions().extensions_raw();
  const auto san = raw.find(Botan::OID::from_string("X509v3.SubjectAlternativeName"));
  if (san == raw.end()) return n;
  try {
    Botan::BER_Decoder seq = Botan::BER_Decoder(san->second.first).start_sequence();
    while (seq.more_items()) {
      const Botan::BER_Object obj = seq.get_next_object();
      if (obj.get_class() != Botan::ASN1_Class::ContextSpecific) continue;
      const auto tag = static_cast<int>(obj.type());
      if (tag == kGeneralNameDns) n.dns_names.emplace_back(reinterpret_cast<const char*>(obj.bits()), obj.length());
      if (tag == kGeneralNameIp) n.ip_addresses.emplace_back(obj.bits(), obj.bits() + obj.length());
    }
  } catch (const std::exception&) {
    // Botan parsed the certificate, so a SAN we cannot walk is corrupt: keep what we read.
  }
  return n;
}

std::string Certificate::describe_verbose(std::string_view indent) const {
  const Botan::X509_Certificate& c = *cert_;
  std::ostringstream o;
  const auto line = [&](const char* label, const std::string& value) {
    o << indent << label << std::string(22 - std::string_view(label).size(), ' ') << value << "\n";
  };
  line("Subject:", c.subject_dn().to_string());
  line("Issuer:", c.issuer_dn().to_string());
  line("Serial number:", serial_hex());
  line("Valid from:", c.not_before().readable_string());
  line("Valid to:", c.not_after().readable_string());
  try {
    const auto key = c.subject_public_key();
    line("Public key:", key->algo_name() + " " + std::to_string(key->key_length()) + " bits");
  } catch (const std::exception& e) {
    line("Public key:", std::string("(cannot decode: ") + e.what() + ")");
  }
  line("Signature algorithm:", oid_name(c.signature_algorithm().oid()));
  line("Key usage:", key_usage_text(c.constraints()));
  std::string eku;
  for (const auto& oid : c.extended_key_usage()) eku += (eku.empty() ? "" : ", ") + eku_name(oid);
  line("Extended key usage:", eku.empty() ? "(not present)" : eku);
  std::string bc = c.is_CA_cert() ? "CA" : "not a CA";
  if (c.is_CA_cert()) {
    bc += c.path_limit() >= Botan::Cert_Extension::NO_CERT_PATH_LIMIT ? ", no path length limit"
                                                                      : ", path length " + std::to_string(c.path_limit());
  }
  line("Basic constraints:", bc);
  std::string san;
  const auto n = names();
  for (const auto& d : n.dns_names) san += (san.empty() ? "" : ", ") + ("DNS:" + policy::escape_for_display(d));
  for (const auto& ip : n.ip_addresses) {
    const auto addr = policy::IpAddress::from_octets(ip);
    san += (san.empty() ? "" : ", ") + ("IP:" + (addr ? addr->to_string() : "(malformed)"));
  }
  line("Subject alt names:", san.empty() ? "(none)" : san);
  line("Subject key id:", hex_colons(c.subject_key_id()));
  line("Authority key id:", hex_colons(c.authority_key_id()));
  line("MD5 fingerprint:", c.fingerprint("MD5"));
  line("SHA-1 fingerprint:", c.fingerprint("SHA-1"));
  line("SHA-256 fingerprint:", c.fingerprint("SHA-256"));
  return o.str();
}

}  // namespace sealpost::tls
