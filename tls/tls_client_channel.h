// A TLS client connection without I/O (the shape of Botan's own TLS::Channel): ciphertext
// from the socket goes in through received(), ciphertext for the socket comes out of
// take_output(), plaintext both ways. The caller owns the socket (mta/client/smtp_connection.h), so
// STARTTLS (RFC 3207) and implicit TLS (RFC 8314 §3) share one code path and tests need no
// network. TLS 1.3 (RFC 8446) and 1.2. The chain is not judged here: it is handed to the
// caller after every handshake — resumed ones included (a 1.2 session or a 1.3 ticket, where
// Botan skips its verify callback) — so no check the destination's setting requires can be
// skipped by resumption. Untrusted: every byte
// from the peer; Botan's exceptions end at this boundary as an error with a reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "policy/result.h"
#include "tls/certificate.h"

namespace sealpost::tls {

// Which protocol versions and suites a connection may use (README "Decisions").
enum class TlsStrength {
  kModern,  // TLS 1.3, and TLS 1.2 with ECDHE and AEAD suites only
  kLegacy,  // also FFDHE, CBC/SHA-1 and static-RSA suites in TLS 1.2: for opportunistic
            // settings, where the alternative is clear text (RFC 7435 §1)
};

// What the handshake established; the chain (leaf first) for policy/ to verify.
struct HandshakeFacts {
  std::string version;       // "TLS v1.3", "TLS v1.2"
  std::string cipher;        // "AES_256_GCM_SHA384", "ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
  std::string key_exchange;  // the group: "x25519/ML-KEM-768" (hybrid), "x25519", "secp256r1"
  std::vector<Certificate> chain;
  bool resumed = false;
};

// Shared by the connections of one thread: random number generator and session cache.
class TlsClientContext {
 public:
  struct Options {
    std::size_t max_sessions = 1000;
    std::chrono::seconds session_lifetime{3600};
    bool resume_sessions = true;
  };
  TlsClientContext();
  explicit TlsClientContext(Options options);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  struct State;
  State& state() { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

struct TlsClientConfig {
  // The peer's name, or its address for a route to an IP: SNI (RFC 6066 §3; never sent for
  // an address) and the session-cache key. An address is a key of its own: keyed by an empty
  // name, every IP-literal peer on one port shared one entry, and a server holding the same
  // ticket keys as another (one Postfix on two addresses, a farm) resumed the other's
  // session, whose certificates then stood for this peer's.
  std::string server_name;
  std::uint16_t port = 25;
  TlsStrength strength = TlsStrength::kModern;
};

class TlsClientChannel {
 public:
  // Starts the handshake: the ClientHello is in take_output() at once.
  TlsClientChannel(TlsClientContext& context, TlsClientConfig config);
  ~TlsClientChannel();
  TlsClientChannel(const TlsClientChannel&) = delete;
  TlsClientChannel& operator=(const TlsClientChannel&) = delete;

  // Bytes from the peer. An error is fatal: the alert or protocol failure, with a reason.
  Status received(std::span<const std::uint8_t> ciphertext);
  // Plaintext for the peer; only once established().
  Status send(std::span<const std::uint8_t> plaintext);
  // Queues close_notify.
  void close();

  std::string take_output();     // ciphertext to write to the socket
  std::string take_plaintext();  // plaintext the peer sent

  bool established() const;
  bool closed() const;  // the peer sent close_notify or a fatal alert
  const HandshakeFacts& facts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sealpost::tls
