// One client connection of the relay's listener: plaintext in and out over the socket, or
// through a tls::TlsServerChannel after STARTTLS (RFC 3207). Every read has the idle deadline
// (RFC 5321 §4.5.3.2.7: a server SHOULD wait at least 5 minutes), the handshake its own;
// a deadline closes the socket. Untrusted: every byte from the client.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "asio/asio.h"
#include "policy/result.h"
#include "tls/tls_server_channel.h"

namespace sealpost::mta {

class InboundConnection {
 public:
  explicit InboundConnection(boost::asio::ip::tcp::socket socket);
  ~InboundConnection();

  // The next plaintext the client sent (at least one octet); an error when the connection
  // ended, timed out or TLS failed.
  boost::asio::awaitable<Result<std::string>> read(std::chrono::steady_clock::duration timeout);
  boost::asio::awaitable<Status> write(const std::string& plaintext);
  // The server side of the handshake, right after "220 Ready to start TLS".
  boost::asio::awaitable<Status> start_tls(tls::TlsServerContext& context, std::chrono::steady_clock::duration timeout);
  bool encrypted() const { return tls_ && tls_->established(); }
  std::string tls_description() const;   // "TLS v1.3 AES_256_GCM_SHA384"
  boost::asio::awaitable<void> close();  // close_notify when encrypted, then the socket

 private:
  boost::asio::awaitable<Result<std::size_t>> read_raw(std::chrono::steady_clock::duration timeout);
  boost::asio::awaitable<Status> write_raw(const std::string& data);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  std::unique_ptr<tls::TlsServerChannel> tls_;
  std::array<char, 16384> buffer_{};
};

}  // namespace sealpost::mta
