// The server side of TLS for the relay's listener (RFC 3207: STARTTLS offered to clients
// that want it), without I/O like TlsClientChannel: ciphertext in through received(), out
// through take_output(), plaintext both ways. TlsServerContext holds the listener's
// certificate chain and private key (loaded from PEM files named in etc/sealpost.toml, with
// the file in every error), the random number generator and the session cache. The policy is
// the client's kModern one (TLS 1.3, TLS 1.2 with ECDHE and AEAD suites): a client that
// asks for TLS gets good TLS.
// Untrusted: every byte from the client; Botan's exceptions end at this boundary.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "policy/result.h"

namespace sealpost::tls {

class TlsServerContext {
 public:
  // The chain file: the server certificate first, then intermediates.
  static Result<std::unique_ptr<TlsServerContext>> load(const std::filesystem::path& chain_file,
                                                        const std::filesystem::path& key_file);
  ~TlsServerContext();
  struct State;
  State& state() { return *state_; }

 private:
  explicit TlsServerContext(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class TlsServerChannel {
 public:
  explicit TlsServerChannel(TlsServerContext& context);
  ~TlsServerChannel();
  TlsServerChannel(const TlsServerChannel&) = delete;
  TlsServerChannel& operator=(const TlsServerChannel&) = delete;

  Status received(std::span<const std::uint8_t> ciphertext);  // an error is fatal
  Status send(std::span<const std::uint8_t> plaintext);       // once established()
  void close();                                               // queues close_notify
  std::string take_output();
  std::string take_plaintext();
  bool established() const;
  bool closed() const;
  std::string version() const;  // "TLS v1.3", once established
  std::string cipher() const;
  std::string key_exchange() const;  // "x25519/ML-KEM-768", "x25519"

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sealpost::tls
