// What the client and server channels share around a Botan::TLS::Channel (internal to tls/:
// it includes Botan): the callbacks that collect ciphertext out and plaintext in, alert and
// state tracking, and the calls into the channel with Botan's exceptions turned into errors.
#pragma once

#include <botan/tls_callbacks.h>
#include <botan/tls_channel.h>
#include <botan/tls_session.h>

#include <memory>
#include <span>
#include <string>

#include "policy/result.h"

namespace sealpost::tls {

struct ChannelState : Botan::TLS::Callbacks {
  std::string output;     // ciphertext for the peer
  std::string plaintext;  // what the peer sent
  std::string alert;      // the last alert other than close_notify, or why the channel never started
  bool established = false;
  bool closed = false;

  void tls_emit_data(std::span<const std::uint8_t> data) override;
  void tls_record_received(std::uint64_t, std::span<const std::uint8_t> data) override;
  void tls_alert(Botan::TLS::Alert alert) override;
  void tls_session_activated() override { established = true; }
};

// Botan 3 takes a channel's collaborators as shared_ptr; where their owner outlives the
// channel they are handed over as this non-owning alias.
template <typename T>
std::shared_ptr<T> borrowed(T& object) {
  return std::shared_ptr<T>(std::shared_ptr<void>(), &object);
}

// The key exchange group of an established session ("x25519/ML-KEM-768", "x25519"), or its
// method where Botan names no group (a TLS 1.2 static-RSA suite: "RSA").
std::string key_exchange_of(const Botan::TLS::Session_Summary& session);

// `channel` is null when it could not be created (state.alert says why).
Status channel_received(Botan::TLS::Channel* channel, ChannelState& state, std::span<const std::uint8_t> ciphertext);
Status channel_send(Botan::TLS::Channel* channel, const ChannelState& state, std::span<const std::uint8_t> plaintext);
void channel_close(Botan::TLS::Channel* channel);

}  // namespace sealpost::tls
