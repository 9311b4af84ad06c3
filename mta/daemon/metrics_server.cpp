// See metrics_server.h.
#include "mta/daemon/metrics_server.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "mta/daemon/prometheus_text.h"

namespace sealpost::mta {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::uint32_t kMaxHeader = 8 * 1024;
constexpr auto kRequestTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxConnections = 16;

http::response<http::string_body> answer(const http::request<http::empty_body>& req, const MetricsServer::Render& render) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  res.set(http::field::server, "sealpostd");
  res.keep_alive(req.keep_alive());
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET, HEAD");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "only GET /metrics is served here\n";
  } else if (path != "/metrics") {
    res.result(http::status::not_found);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "not found: the metrics are at /metrics\n";
  } else {
    res.set(http::field::content_type, std::string(kPrometheusContentType));
    res.body() = render();
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();  // Content-Length stays the GET's
  return res;
}

}  // namespace

struct MetricsServer::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io_context, Render r) : io(io_context), acceptor(io_context), render(std::move(r)) {}
  asio::io_context& io;
  tcp::acceptor acceptor;
  Render render;
  std::size_t open = 0;

  asio::awaitable<void> accept_loop() {
    const auto self = shared_from_this();
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
        continue;  // EMFILE and the like: the next accept may work
      }
      if (open >= kMaxConnections) {
        s.close(ec);
        continue;
      }
      asio::co_spawn(io, serve(std::move(s)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    const auto self = shared_from_this();
    ++open;
    struct Leave {
      std::size_t& open;
      ~Leave() { --open; }
    } leave{open};
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::empty_body> parser;
      parser.header_limit(kMaxHeader);
      stream.expires_after(kRequestTimeout);
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) break;
      if (!acceptor.is_open()) break;  // closed meanwhile: what `render` reads may be gone
      bool keep_alive = false;
      if (ec) {
        http::response<http::string_body> bad{http::status::bad_request, 11};
        bad.set(http::field::content_type, "text/plain; charset=utf-8");
        bad.body() = "bad request: " + ec.message() + "\n";
        bad.keep_alive(false);
        bad.prepare_payload();
        co_await http::async_write(stream, bad, asio::redirect_error(asio::use_awaitable, ec));
      } else {
        auto res = answer(parser.get(), render);
        keep_alive = res.keep_alive();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
  }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::listen(asio::io_context& io, const policy::Listener& where, Render render) {
  auto state = std::make_shared<State>(io, std::move(render));
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(where.address, ec);
  const tcp::endpoint ep(address, where.port);
  if (!ec) state->acceptor.open(ep.protocol(), ec);
  if (!ec) state->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(ep, ec);
  if (!ec) state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  const std::string name = where.address.find(':') != std::string::npos ? "[" + where.address + "]" : where.address;
  if (ec) return Error{"[metrics] listen " + name + ":" + std::to_string(where.port) + ": " + ec.message()};
  asio::co_spawn(io, state->accept_loop(), asio::detached);
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(state)));
}

MetricsServer::~MetricsServer() { close(); }

void MetricsServer::close() {
  boost::system::error_code ec;
  if (state_) state_->acceptor.close(ec);
}

tcp::endpoint MetricsServer::endpoint() const {
  boost::system::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

}  // namespace sealpost::mta
