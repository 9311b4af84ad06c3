// TlsConnection (see tls_connection.h).
#include "mta/client/tls_connection.h"

#include <netinet/tcp.h>

namespace sealpost::mta {

namespace asio = boost::asio;
using Clock = TlsConnection::Clock;
namespace {
constexpr auto kShutdownTimeout = std::chrono::seconds(2);

// Acknowledge what arrives at once instead of after the delayed-ACK timer (Linux: up to
// 40 ms). A TLS 1.3 server sends its session tickets as separate small records after the
// handshake; one that has Nagle on (Postfix smtpd, OpenSSL's two tickets) holds the second
// until the first is acknowledged, which stalled every new TLS 1.3 session to Postfix by
// ~30 ms (bench/README.md). The flag does not stick, so it is set before every read.
using QuickAck = asio::detail::socket_option::boolean<IPPROTO_TCP, TCP_QUICKACK>;
void quick_ack(asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(QuickAck(true), ignored);
}
}  // namespace

TlsConnection::TlsConnection(asio::any_io_executor executor) : socket_(executor), watchdog_(executor) {}
TlsConnection::~TlsConnection() { close(); }

void TlsConnection::arm(Clock::duration timeout) {
  const std::uint64_t mine = ++generation_;
  timed_out_ = false;
  watchdog_.expires_after(timeout);
  watchdog_.async_wait([this, mine](const boost::system::error_code& ec) {
    // A stale expiry (the operation finished first) must not close the next one's socket.
    if (ec || mine != generation_) return;
    timed_out_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
  });
}

void TlsConnection::disarm() {
  ++generation_;
  watchdog_.cancel();
}

Error TlsConnection::io_error(const boost::system::error_code& ec, std::string_view what) const {
  if (timed_out_) return Error{"timed out " + std::string(what)};
  if (ec == asio::error::eof) return Error{"connection closed by the server " + std::string(what)};
  return Error{ec.message() + " " + std::string(what)};
}

asio::awaitable<Status> TlsConnection::connect(const asio::ip::tcp::endpoint& endpoint, Clock::duration timeout) {
  boost::system::error_code ec;
  arm(timeout);
  co_await socket_.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec) co_return io_error(ec, "while connecting");
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return ok();
}

asio::awaitable<Result<std::size_t>> TlsConnection::read_raw(Clock::duration timeout) {
  boost::system::error_code ec;
  quick_ack(socket_);
  arm(timeout);
  const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_), asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec) co_return io_error(ec, "while reading");
  co_return n;
}

asio::awaitable<Status> TlsConnection::write_raw(std::string data, Clock::duration timeout) {
  boost::system::error_code ec;
  arm(timeout);
  co_await asio::async_write(socket_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec) co_return io_error(ec, "while writing");
  bytes_written_ += data.size();
  co_return ok();
}

asio::awaitable<Result<bool>> TlsConnection::read_more(Clock::duration timeout) {
  if (eof_) co_return false;
  boost::system::error_code ec;
  quick_ack(socket_);
  arm(timeout);
  const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_), asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (ec == asio::error::eof && !timed_out_) {
    eof_ = true;
    co_return false;
  }
  if (ec) co_return io_error(ec, "while reading");
  const std::span<const std::uint8_t> got(buffer_.data(), n);
  if (!tls_) {
    in_.append(reinterpret_cast<const char*>(got.data()), got.size());
    co_return true;
  }
  const Status s = tls_->received(got);
  if (auto out = tls_->take_output(); !out.empty()) {
    if (auto w = co_await write_raw(std::move(out), timeout); !w) co_return w.error();
  }
  in_ += tls_->take_plaintext();
  if (!s) co_return Error{"TLS: " + s.error().message};
  if (tls_->closed()) eof_ = true;
  co_return !eof_;
}

asio::awaitable<Status> TlsConnection::write(std::string_view data, Clock::duration timeout) {
  if (!tls_) co_return co_await write_raw(std::string(data), timeout);
  if (auto s = tls_->send({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}); !s) {
    co_return Error{"TLS: " + s.error().message};
  }
  co_return co_await write_raw(tls_->take_output(), timeout);
}

asio::awaitable<Status> TlsConnection::start_tls(tls::TlsClientContext& context, tls::TlsClientConfig config,
                                                 Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  tls_ = std::make_unique<tls::TlsClientChannel>(context, std::move(config));
  while (!tls_->established()) {
    if (auto out = tls_->take_output(); !out.empty()) {
      if (auto w = co_await write_raw(std::move(out), deadline - Clock::now()); !w) co_return w.error();
    }
    if (tls_->closed()) co_return Error{"TLS handshake failed"};
    auto n = co_await read_raw(deadline - Clock::now());
    if (!n) co_return n.error();
    const Status s = tls_->received({buffer_.data(), *n});
    if (!s) {
      // Botan has queued its alert: send it, so the server logs why (TEST-RIG.md). Best
      // effort: the handshake has failed whatever this write does.
      if (auto out = tls_->take_output(); !out.empty()) (void)co_await write_raw(std::move(out), kShutdownTimeout);
      co_return s.error();
    }
  }
  if (auto out = tls_->take_output(); !out.empty()) {
    if (auto w = co_await write_raw(std::move(out), deadline - Clock::now()); !w) co_return w.error();
  }
  in_ = tls_->take_plaintext();
  co_return ok();
}

asio::awaitable<void> TlsConnection::shutdown() {
  if (tls_ && tls_->established() && socket_.is_open()) {
    tls_->close();
    // Best effort: the session is over whether or not the close_notify arrives.
    if (auto out = tls_->take_output(); !out.empty()) (void)co_await write_raw(std::move(out), kShutdownTimeout);
  }
  close();
}

void TlsConnection::close() {
  disarm();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace sealpost::mta
