// The c-ares transport driven by a Boost.Asio io_context: c-ares tells which sockets to watch
// (ARES_OPT_SOCK_STATE_CB), Asio waits on them, one steady_timer follows ares_timeout(). Every
// query also has a hard deadline of its own. Queries are sent with ares_send so that Sealpost
// builds them (AD bit, EDNS0) and parses the raw answers; ARES_FLAG_NOCHECKRESP passes
// SERVFAIL/REFUSED answers through so they are reported as such (TEST-RIG.md). Not
// thread-safe: one transport per io_context thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "dns/transport.h"
#include "policy/result.h"

namespace boost::asio {
class io_context;
}

namespace sealpost::dns {

struct CaresOptions {
  // "IP", "IP:PORT", "[IPv6]:PORT"; empty: the servers of /etc/resolv.conf.
  std::vector<std::string> servers;
  std::chrono::milliseconds try_timeout{1500};  // per try, per server
  int tries = 2;
  std::chrono::milliseconds deadline{5000};  // the whole lookup, queueing included
  // Queries beyond this wait in a queue: with ~1000 UDP queries outstanding on one channel,
  // answers are dropped and every drop costs a retransmission timeout (bench/README.md).
  std::size_t max_in_flight = 100;
};

class CaresTransport final : public Transport {
 public:
  static Result<std::unique_ptr<CaresTransport>> create(boost::asio::io_context& io, CaresOptions options);
  ~CaresTransport() override;

  void query(const std::string& name, RrType type, Handler handler) override;

 private:
  struct State;
  explicit CaresTransport(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace sealpost::dns
