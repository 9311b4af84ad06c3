// The metrics endpoint ([metrics] listen): HTTP/1.1 on Boost.Beast, on the daemon's event
// loop. GET /metrics (a query string ignored) answers 200 with what the handler renders, in
// the Prometheus text format; HEAD the same without the body; another path 404, another
// method 405. Keep-alive as the client asks (Prometheus keeps its scrape connection).
// Untrusted: the request from anyone who can reach the address (loopback by default) —
// header at most 8 KiB, no body accepted, 10 s to send a request, at most 16 connections at
// once (more are closed unanswered); a malformed request gets 400 and the connection closes.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "asio/asio.h"
#include "policy/relay_config.h"
#include "policy/result.h"

namespace sealpost::mta {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;
  static Result<std::unique_ptr<MetricsServer>> listen(boost::asio::io_context& io, const policy::Listener& where, Render render);
  ~MetricsServer();
  void close();
  boost::asio::ip::tcp::endpoint endpoint() const;

  struct State;

 private:
  explicit MetricsServer(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace sealpost::mta
