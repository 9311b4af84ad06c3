// The relay's SMTP listeners (DESIGN.md "What a user does" 1): one accept loop per configured
// address, one coroutine per client that reads with the idle deadline (RFC 5321 §4.5.3.2.7),
// frames lines (line_framer.h), runs the InboundSession and hands every message to `commit`,
// saying 250 only with the queue ID that came back. Clients outside the relay networks may
// connect and are refused as relays by the session; above max_connections a client gets 421.
// STARTTLS (RFC 3207) when the settings carry a certificate. Lifetime: the listener is shared
// by its coroutines (shared_from_this), so a session still suspended when the daemon goes
// away finds its listener. Untrusted: every byte from clients.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "mta/server/inbound_session.h"
#include "mta/smtp/envelope.h"
#include "mta/smtp/log_sink.h"
#include "policy/ip_network.h"
#include "policy/relay_config.h"
#include "policy/result.h"
#include "tls/tls_server_channel.h"

namespace sealpost::mta {

// What a session runs with from its greeting to its end: a reload makes a new one.
struct ListenerSettings {
  std::string hostname = "localhost";
  InboundLimits limits;
  std::uint32_t max_connections = 100;
  std::vector<policy::IpNetwork> relay_networks;
  std::shared_ptr<tls::TlsServerContext> tls;  // null: STARTTLS not offered
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Makes the message durable: its queue ID, or why not (the client then hears 451).
  using Commit =
      std::function<boost::asio::awaitable<Result<std::string>>(const std::string& client_ip, const Envelope& message)>;

  static std::shared_ptr<Listener> create(boost::asio::io_context& io, std::shared_ptr<LogSink> log, Commit commit);
  void configure(std::shared_ptr<const ListenerSettings> settings) { settings_ = std::move(settings); }
  // Binds every endpoint; the error names the one that failed.
  Status bind(const std::vector<policy::Listener>& endpoints);
  void start();  // an accept loop per bound endpoint
  void stop();   // stops accepting; sessions in progress end on their own

  std::size_t endpoints() const { return acceptors_.size(); }
  std::size_t open_connections() const { return open_; }
  std::uint64_t connections() const { return total_; }
  std::uint64_t refused() const { return refused_; }  // 421: beyond max_connections

 private:
  Listener(boost::asio::io_context& io, std::shared_ptr<LogSink> log, Commit commit)
      : io_(io), log_(std::move(log)), commit_(std::move(commit)) {}
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor);
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  std::shared_ptr<LogSink> log_;
  Commit commit_;
  std::shared_ptr<const ListenerSettings> settings_ = std::make_shared<ListenerSettings>();
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::size_t open_ = 0;
  std::uint64_t total_ = 0;
  std::uint64_t refused_ = 0;
  bool stopping_ = false;
};

}  // namespace sealpost::mta
