// One outbound TCP connection, in clear or through a tls::TlsClientChannel, for the protocols
// the client speaks (SMTP: smtp_connection.h; HTTPS for MTA-STS: https_fetch.h): connect,
// write, read what arrives into a plaintext buffer, the TLS handshake (at once, or after a
// STARTTLS 220), close_notify. Every operation has a deadline: a watchdog closes the socket.
// Untrusted: everything read; the buffer grows only as the protocol above lets it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "asio/asio.h"
#include "policy/result.h"
#include "tls/tls_client_channel.h"

namespace sealpost::mta {

class TlsConnection {
 public:
  using Clock = std::chrono::steady_clock;

  explicit TlsConnection(boost::asio::any_io_executor executor);
  virtual ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  boost::asio::awaitable<Status> connect(const boost::asio::ip::tcp::endpoint& endpoint, Clock::duration timeout);
  boost::asio::awaitable<Status> write(std::string_view data, Clock::duration timeout);
  // Reads once and appends the plaintext to input(). False: the peer closed (TCP EOF, or TLS
  // close_notify / fatal alert) and nothing more will come.
  boost::asio::awaitable<Result<bool>> read_more(Clock::duration timeout);
  std::string& input() { return in_; }

  // True when unread bytes are buffered: after a STARTTLS 220 that is response injection.
  bool has_unread_input() const { return !in_.empty(); }
  // The TLS handshake over this connection (after the 220, or at once for implicit TLS).
  boost::asio::awaitable<Status> start_tls(tls::TlsClientContext& context, tls::TlsClientConfig config, Clock::duration timeout);
  bool encrypted() const { return tls_ != nullptr && tls_->established(); }
  const tls::HandshakeFacts* tls_facts() const { return tls_ ? &tls_->facts() : nullptr; }
  bool tls_closed() const { return tls_ != nullptr && tls_->closed(); }  // close_notify or a fatal alert came

  // Sends close_notify when encrypted (best effort, short deadline), then closes.
  boost::asio::awaitable<void> shutdown();
  void close();

  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  // Raw socket I/O under the watchdog: a timer that closes the socket at the deadline.
  boost::asio::awaitable<Result<std::size_t>> read_raw(Clock::duration timeout);
  boost::asio::awaitable<Status> write_raw(std::string data, Clock::duration timeout);
  void arm(Clock::duration timeout);
  void disarm();
  Error io_error(const boost::system::error_code& ec, std::string_view what) const;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer watchdog_;
  std::uint64_t generation_ = 0;
  bool timed_out_ = false;
  bool eof_ = false;
  std::unique_ptr<tls::TlsClientChannel> tls_;
  std::string in_;  // plaintext received and not yet consumed
  std::array<std::uint8_t, 16384> buffer_{};
  std::uint64_t bytes_written_ = 0;
};

}  // namespace sealpost::mta
