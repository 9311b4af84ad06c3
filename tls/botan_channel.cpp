// See botan_channel.h. Botan reports protocol failures by throwing from received_data(); they
// end here as an error with the alert's name, so nothing above tls/ sees a Botan exception.
#include "tls/botan_channel.h"

#include <botan/tls_exceptn.h>

namespace sealpost::tls {

void ChannelState::tls_emit_data(std::span<const std::uint8_t> data) {
  output.append(reinterpret_cast<const char*>(data.data()), data.size());
}

void ChannelState::tls_record_received(std::uint64_t, std::span<const std::uint8_t> data) {
  plaintext.append(reinterpret_cast<const char*>(data.data()), data.size());
}

void ChannelState::tls_alert(Botan::TLS::Alert a) {
  if (a.type() == Botan::TLS::AlertType::CloseNotify || a.is_fatal()) closed = true;
  if (a.type() != Botan::TLS::AlertType::CloseNotify) alert = "TLS alert " + a.type_string();
}

std::string key_exchange_of(const Botan::TLS::Session_Summary& session) {
  return session.kex_parameters().value_or(session.kex_algo());
}

Status channel_received(Botan::TLS::Channel* channel, ChannelState& state, std::span<const std::uint8_t> ciphertext) {
  if (!channel) return Error{state.alert};
  try {
    channel->received_data(ciphertext);
  } catch (const Botan::TLS::TLS_Exception& e) {
    state.closed = true;
    return Error{std::string(e.what()) + " (" + Botan::TLS::Alert(e.type()).type_string() + ")"};
  } catch (const std::exception& e) {
    state.closed = true;
    return Error{e.what()};
  }
  if (state.closed && !state.alert.empty()) return Error{state.alert};
  return ok();
}

Status channel_send(Botan::TLS::Channel* channel, const ChannelState& state, std::span<const std::uint8_t> plaintext) {
  if (!channel || !state.established || state.closed) return Error{"TLS session is not open"};
  try {
    channel->send(plaintext);
  } catch (const std::exception& e) {
    return Error{e.what()};
  }
  return ok();
}

void channel_close(Botan::TLS::Channel* channel) {
  if (!channel) return;
  try {
    channel->close();
  } catch (const std::exception&) {
    // Closing a connection that already failed: nothing left to say to the peer.
  }
}

}  // namespace sealpost::tls
