// One TCP connection of the SMTP client, in clear or through a tls::TlsClientChannel:
// connect, read reply lines, write commands, and the STARTTLS switch (RFC 3207 §4–5) with its
// response-injection check — bytes that arrived after the 220 and before the handshake are
// an attack, never data. Every operation has a deadline (RFC 5321 §4.5.3.2); a timed-out
// operation closes the connection. Untrusted: everything read from the peer; a line longer
// than kMaxReplyLineOctets is an error, never a buffer that grows.
#pragma once

#include <chrono>
#include <cstdint>
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "asio/asio.h"
#include "mta/smtp/reply.h"
#include "policy/result.h"
#include "tls/tls_client_channel.h"

namespace sealpost::mta {

class SmtpConnection {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SmtpConnection(boost::asio::any_io_executor executor);
  ~SmtpConnection();

  boost::asio::awaitable<Status> connect(const boost::asio::ip::tcp::endpoint& endpoint, Clock::duration timeout);
  // Reads one whole (possibly multi-line) reply.
  boost::asio::awaitable<Result<Reply>> read_reply(Clock::duration timeout);
  boost::asio::awaitable<Status> write(std::string_view data, Clock::duration timeout);
  // One command line (CRLF added) and its reply, each within `timeout`.
  boost::asio::awaitable<Result<Reply>> command(std::string line, Clock::duration timeout);

  // True when unread bytes are buffered: after a STARTTLS 220 that is response injection.
  bool has_unread_input() const { return !in_.empty(); }
  // The TLS handshake over this connection (after the 220, or at once for implicit TLS).
  boost::asio::awaitable<Status> start_tls(tls::TlsClientContext& context, tls::TlsClientConfig config, Clock::duration timeout);
  bool encrypted() const { return tls_ != nullptr && tls_->established(); }
  const tls::HandshakeFacts* tls_facts() const { return tls_ ? &tls_->facts() : nullptr; }

  // Sends close_notify when encrypted (best effort, short deadline), then closes.
  boost::asio::awaitable<void> shutdown();
  void close();

  std::uint64_t bytes_written() const { return bytes_written_; }

 private:
  // Raw socket I/O under the watchdog: a timer that closes the socket at the deadline.
  boost::asio::awaitable<Result<std::size_t>> read_raw(Clock::duration timeout);
  boost::asio::awaitable<Status> write_raw(std::string data, Clock::duration timeout);
  boost::asio::awaitable<Result<std::string>> read_line(Clock::duration timeout);
  void arm(Clock::duration timeout);
  void disarm();
  Error io_error(const boost::system::error_code& ec, std::string_view what) const;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer watchdog_;
  std::uint64_t generation_ = 0;
  bool timed_out_ = false;
  std::unique_ptr<tls::TlsClientChannel> tls_;
  std::string in_;  // plaintext received and not yet consumed
  std::array<std::uint8_t, 16384> buffer_{};
  std::uint64_t bytes_written_ = 0;
};

}  // namespace sealpost::mta
