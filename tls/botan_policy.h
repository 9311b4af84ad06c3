// The Botan TLS policy of every Sealpost TLS connection, client and server (internal to
// tls/: it includes Botan). Versions and suites per TlsStrength (README "Decisions").
#pragma once

#include <botan/tls_policy.h>

#include "tls/tls_client_channel.h"

namespace sealpost::tls {

// The policy per TlsStrength. Botan's default would offer its experimental CECPQ1 key
// exchange (TEST-RIG.md); only standard ECDHE/DHE (and RSA in legacy) are offered.
class SealpostPolicy final : public Botan::TLS::Policy {
 public:
  explicit SealpostPolicy(TlsStrength strength) : legacy_(strength == TlsStrength::kLegacy) {}

  std::vector<std::string> allowed_ciphers() const override {
    std::vector<std::string> c = {"ChaCha20Poly1305", "AES-256/GCM", "AES-128/GCM"};
    if (legacy_) c.insert(c.end(), {"AES-256", "AES-128"});
    return c;
  }
  std::vector<std::string> allowed_macs() const override {
    if (legacy_) return {"AEAD", "SHA-384", "SHA-256", "SHA-1"};
    return {"AEAD"};
  }
  std::vector<std::string> allowed_key_exchange_methods() const override {
    if (legacy_) return {"ECDH", "DH", "RSA"};
    return {"ECDH", "DH"};
  }
  bool allow_tls10() const override { return legacy_; }
  bool allow_tls11() const override { return legacy_; }
  // A weak server key is judged by the chain check (tls/chain_validator.h) when the setting
  // verifies; in legacy mode it must not turn an encrypted session into clear text.
  std::size_t minimum_rsa_bits() const override { return legacy_ ? 1024 : 2048; }

 private:
  bool legacy_;
};

}  // namespace sealpost::tls
