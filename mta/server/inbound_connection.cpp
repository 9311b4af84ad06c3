// See inbound_connection.h.
#include "mta/server/inbound_connection.h"

#include <span>

namespace sealpost::mta {

namespace asio = boost::asio;

InboundConnection::InboundConnection(asio::ip::tcp::socket socket)
    : socket_(std::move(socket)), deadline_(socket_.get_executor()) {}
InboundConnection::~InboundConnection() = default;

asio::awaitable<Result<std::size_t>> InboundConnection::read_raw(std::chrono::steady_clock::duration timeout) {
  deadline_.expires_after(timeout);
  deadline_.async_wait([this](const boost::system::error_code& e) {
    if (!e) socket_.close();
  });
  boost::system::error_code ec;
  const std::size_t n = co_await socket_.async_read_some(asio::buffer(buffer_), asio::redirect_error(asio::use_awaitable, ec));
  deadline_.cancel();
  if (ec) co_return Error{ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor ? "timed out" : ec.message()};
  co_return n;
}

asio::awaitable<Status> InboundConnection::write_raw(const std::string& data) {
  if (data.empty()) co_return ok();
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return Error{ec.message()};
  co_return ok();
}

asio::awaitable<Result<std::string>> InboundConnection::read(std::chrono::steady_clock::duration timeout) {
  // Plaintext the channel already holds comes first. A TLS 1.3 client may send its first
  // command in the same flight as its Finished (RFC 8446 §2: application data right after
  // the handshake), so the handshake's last read can decrypt EHLO too; waiting on the socket
  // for it would wait for a client that is waiting for our reply.
  if (tls_) {
    if (std::string text = tls_->take_plaintext(); !text.empty()) co_return text;
  }
  for (;;) {
    auto n = co_await read_raw(timeout);
    if (!n) co_return n.error();
    if (!tls_) co_return std::string(buffer_.data(), *n);
    auto s = tls_->received(std::span(reinterpret_cast<const std::uint8_t*>(buffer_.data()), *n));
    // Alerts and key updates go out whatever happened.
    (void)co_await write_raw(tls_->take_output());
    if (!s) co_return s.error();
    if (std::string text = tls_->take_plaintext(); !text.empty()) co_return text;
    if (tls_->closed()) co_return Error{"TLS session closed"};
  }
}

asio::awaitable<Status> InboundConnection::write(const std::string& plaintext) {
  if (!tls_) co_return co_await write_raw(plaintext);
  if (auto s = tls_->send(std::span(reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size())); !s) {
    co_return s.error();
  }
  co_return co_await write_raw(tls_->take_output());
}

asio::awaitable<Status> InboundConnection::start_tls(tls::TlsServerContext& context,
                                                     std::chrono::steady_clock::duration timeout) {
  tls_ = std::make_unique<tls::TlsServerChannel>(context);
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!tls_->established()) {
    const auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) co_return Error{"TLS handshake timed out"};
    auto n = co_await read_raw(left);
    if (!n) co_return Error{"TLS handshake: " + n.error().message};
    auto s = tls_->received(std::span(reinterpret_cast<const std::uint8_t*>(buffer_.data()), *n));
    auto w = co_await write_raw(tls_->take_output());
    if (!s) co_return Error{"TLS handshake: " + s.error().message};
    if (!w) co_return Error{"TLS handshake: " + w.error().message};
    if (tls_->closed()) co_return Error{"TLS handshake: the client closed the session"};
  }
  co_return ok();
}

std::string InboundConnection::tls_description() const { return tls_ ? tls_->version() + " " + tls_->cipher() : std::string(); }

asio::awaitable<void> InboundConnection::close() {
  if (encrypted()) {
    tls_->close();
    (void)co_await write_raw(tls_->take_output());
  }
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace sealpost::mta
