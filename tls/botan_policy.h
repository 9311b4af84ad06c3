// The Botan TLS policy of every Sealpost TLS connection, client and server (internal to
// tls/: it includes Botan). Versions, suites and key exchange groups per TlsStrength
// (README "Decisions").
#pragma once

#include <botan/tls_policy.h>

#include <chrono>

#include "tls/tls_client_channel.h"

namespace sealpost::tls {

// TLS 1.3 always; TLS 1.2 with ECDHE and AEAD suites, and for kLegacy also FFDHE, CBC and
// static-RSA suites and 1024-bit RSA keys (Botan 3 has no TLS 1.0/1.1). Key exchange groups:
// the hybrid X25519 + ML-KEM-768 first, then X25519, the NIST curves (and FFDHE); the
// ClientHello carries key shares for the hybrid and X25519, so a peer without ML-KEM (OpenSSL
// before 3.5) picks X25519 without a HelloRetryRequest, and one with it gets a key exchange a
// future quantum computer cannot break.
class SealpostPolicy final : public Botan::TLS::Policy {
 public:
  explicit SealpostPolicy(TlsStrength strength, std::chrono::seconds session_lifetime = std::chrono::hours(24))
      : legacy_(strength == TlsStrength::kLegacy), session_lifetime_(session_lifetime) {}

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
    return {"ECDH"};
  }
  std::vector<Botan::TLS::Group_Params> key_exchange_groups() const override {
    using G = Botan::TLS::Group_Params_Code;
    std::vector<Botan::TLS::Group_Params> g = {G::HYBRID_X25519_ML_KEM_768, G::X25519, G::SECP256R1, G::SECP384R1, G::SECP521R1};
    if (legacy_) g.insert(g.end(), {G::FFDHE_2048, G::FFDHE_3072});
    return g;
  }
  std::vector<Botan::TLS::Group_Params> key_exchange_groups_to_offer() const override {
    using G = Botan::TLS::Group_Params_Code;
    return {G::HYBRID_X25519_ML_KEM_768, G::X25519};
  }
  bool allow_tls12() const override { return true; }
  bool allow_tls13() const override { return true; }
  // A weak server key is judged by the chain check (tls/chain_validator.h) when the setting
  // verifies; in legacy mode it must not turn an encrypted session into clear text.
  std::size_t minimum_rsa_bits() const override { return legacy_ ? 1024 : 2048; }
  // How long a client keeps a session or ticket to resume with (TlsClientContext::Options).
  std::chrono::seconds session_ticket_lifetime() const override { return session_lifetime_; }

 private:
  bool legacy_;
  std::chrono::seconds session_lifetime_;
};

}  // namespace sealpost::tls
