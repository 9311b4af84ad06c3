// See listener.h.
#include "mta/server/listener.h"

#include "mta/server/inbound_connection.h"
#include "mta/server/line_framer.h"
#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kIdleTimeout = std::chrono::minutes(5);  // RFC 5321 §4.5.3.2.7
constexpr auto kHandshakeTimeout = std::chrono::seconds(60);
constexpr std::size_t kMaxLoggedCommand = 200;  // octets of a command line in the `smtp` debug log

std::string client_ip(const tcp::endpoint& remote) {
  const auto a = remote.address();
  return a.is_v6() && a.to_v6().is_v4_mapped() ? asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string()
                                               : a.to_string();
}

}  // namespace

std::shared_ptr<Listener> Listener::create(asio::io_context& io, std::shared_ptr<LogSink> log, Commit commit) {
  return std::shared_ptr<Listener>(new Listener(io, std::move(log), std::move(commit)));
}

Status Listener::bind(const std::vector<policy::Listener>& endpoints) {
  for (const auto& l : endpoints) {
    boost::system::error_code ec;
    const tcp::endpoint ep(asio::ip::make_address(l.address, ec), l.port);
    auto acceptor = std::make_unique<tcp::acceptor>(io_);
    if (!ec) acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{"listen " + l.address + ":" + std::to_string(l.port) + ": " + ec.message()};
    acceptors_.push_back(std::move(acceptor));
  }
  return ok();
}

void Listener::start() {
  for (const auto& a : acceptors_) {
    asio::co_spawn(
        io_, [self = shared_from_this(), &a = *a]() { return self->accept_loop(a); }, asio::detached);
  }
}

void Listener::stop() {
  stopping_ = true;
  for (auto& a : acceptors_) {
    boost::system::error_code ec;
    a->close(ec);
  }
}

asio::awaitable<void> Listener::accept_loop(tcp::acceptor& acceptor) {
  while (!stopping_) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) co_return;
      (*log_)(LogLevel::kWarning, "accept: " + ec.message());
      continue;
    }
    asio::co_spawn(
        io_, [self = shared_from_this(), s = std::move(socket)]() mutable { return self->serve(std::move(s)); }, asio::detached);
  }
}

asio::awaitable<void> Listener::serve(tcp::socket socket) {
  const auto self = shared_from_this();  // the listener outlives this session
  const LogSink& log = *log_;
  ++open_;
  ++total_;
  struct Leave {
    std::size_t& open;
    ~Leave() { --open; }
  } leave{open_};
  boost::system::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) co_return;
  const std::string ip = client_ip(remote);
  InboundConnection conn(std::move(socket));
  const auto cfg = settings_;  // this session's limits and certificate, whatever a reload does meanwhile
  if (open_ > cfg->max_connections) {
    ++refused_;
    (void)co_await conn.write("421 4.7.0 " + cfg->hostname + " Error: too many connections\r\n");
    co_await conn.close();
    co_return;
  }
  const auto addr = policy::IpAddress::parse(ip);
  bool relay = false;
  for (const auto& net : cfg->relay_networks) relay = relay || (addr && net.contains(*addr));
  InboundSession s({.hostname = cfg->hostname, .limits = cfg->limits, .starttls = cfg->tls != nullptr},
                   {.address = ip, .relay_allowed = relay});
  log(LogLevel::kInfo, "connect from [" + ip + "]" + (relay ? "" : " (not in relay networks)"));
  (void)co_await conn.write(s.greeting());

  LineFramer framer;
  for (;;) {
    auto text = co_await conn.read(kIdleTimeout);
    if (!text) break;
    framer.append(*text);
    std::string out;
    bool close = false, start_tls = false;
    while (!close && !start_tls) {
      const auto line = framer.next();
      if (!line) break;
      if (!s.in_data() && log.debugging("smtp")) {
        log.debug("smtp", "[" + ip + "] < " + policy::escape_for_display(line->text.substr(0, kMaxLoggedCommand)));
      }
      auto step = s.on_line(line->overlong ? std::string_view() : line->text, line->overlong);
      if (step.message) {
        const Result<std::string> id = co_await commit_(ip, *step.message);
        step.reply += s.committed(id);
      }
      if (!step.reply.empty() && log.debugging("smtp")) {
        log.debug("smtp", "[" + ip + "] > " + step.reply.substr(0, step.reply.find_last_not_of("\r\n") + 1));
      }
      out += step.reply;
      close = step.close;
      start_tls = step.start_tls;
    }
    if (!out.empty()) {
      auto written = co_await conn.write(out);  // not inside &&: g++ 12 miscompiles co_await there
      if (!written) break;
    }
    if (close) break;
    if (start_tls) {
      // RFC 3207 §5 (and CVE-2011-0411): commands pipelined after STARTTLS came in clear and
      // must not run inside the TLS session.
      if (const std::size_t dropped = framer.discard(); dropped > 0) {
        log(LogLevel::kWarning,
            "[" + ip + "]: " + std::to_string(dropped) + " octets sent after STARTTLS before the handshake: discarded");
      }
      if (auto t = co_await conn.start_tls(*cfg->tls, kHandshakeTimeout); !t) {
        log(LogLevel::kWarning, "[" + ip + "]: STARTTLS failed: " + t.error().message);
        break;
      }
      log(LogLevel::kInfo, "[" + ip + "]: STARTTLS: " + conn.tls_description());
      s.tls_started(conn.tls_description());
    }
  }
  co_await conn.close();
}

}  // namespace sealpost::mta
