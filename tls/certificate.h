// An X.509 certificate as Sealpost inspects it: presented names for policy/ (TLS-POLICY.md
// §3), fingerprints, and the verbose description an operator compares with
// `show crypto pki certificates verbose`. Wraps Botan 3 without exposing it: nothing outside
// tls/ includes a Botan header. Input is untrusted DER from a peer or a PEM file.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/presented_id.h"
#include "policy/result.h"

namespace Botan {
class X509_Certificate;
}

namespace sealpost::tls {

inline constexpr std::size_t kMaxCertificateOctets = 64 * 1024;

class Certificate {
 public:
  static Result<Certificate> from_der(std::span<const std::uint8_t> der);

  std::string subject() const;
  std::string issuer() const;
  std::string serial_hex() const;
  bool is_ca() const;
  bool is_self_signed() const;
  std::chrono::system_clock::time_point not_after() const;
  // SAN dNSName and iPAddress read from the raw extension (Botan 2 dropped IPv6 addresses and
  // would hide embedded NULs), plus the Subject CNs.
  policy::CertificateNames names() const;
  std::string fingerprint(std::string_view hash) const;  // "SHA-256" → "AB:CD:…"
  std::string to_pem() const;
  // Multi-line, indented by `indent`; every field of TLS-POLICY.md §2.
  std::string describe_verbose(std::string_view indent = "  ") const;

  const Botan::X509_Certificate& botan() const { return *cert_; }
  const std::vector<std::uint8_t>& der() const { return *der_; }  // as received
  friend bool operator==(const Certificate& a, const Certificate& b);

 private:
  Certificate(std::shared_ptr<const Botan::X509_Certificate> cert, std::vector<std::uint8_t> der)
      : cert_(std::move(cert)), der_(std::make_shared<const std::vector<std::uint8_t>>(std::move(der))) {}
  std::shared_ptr<const Botan::X509_Certificate> cert_;
  // Kept from parsing: equality is asked for every anchor on every validation, and Botan
  // would re-encode the certificate each time.
  std::shared_ptr<const std::vector<std::uint8_t>> der_;
};

}  // namespace sealpost::tls
