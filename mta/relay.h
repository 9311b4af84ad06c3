// The relay daemon's core (issue "relay daemon"; DESIGN.md "What a user does" 1): SMTP
// listeners that accept mail from the relay networks into the spool (250 only once durable),
// and a queue runner that delivers every spooled message per recipient domain with that
// domain's destconfig setting and SMTP route (mta/delivery.h), keeps per-recipient state
// durably, retries on the configured schedule, gives up at the queue lifetime and returns
// a DSN to the sender for every recipient that failed (mta/dsn.h). Per destination it keeps
// to destconfig's connection, recipient and messages-per-connection limits (connections are
// reused: mta/connection_cache.h). The listener offers STARTTLS when it has a certificate.
// Reload swaps the whole configuration at once (a delivery in progress finishes with the one
// it started with); the control socket answers `sealpost queue|reload|status|debug`. One
// io_context thread, plus a small pool for spool commits (their fsyncs). Logs go through a
// callback (the program owns spdlog); debug categories in mta/debug_log.h.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "mta/control_socket.h"
#include "mta/relay_policy.h"
#include "mta/spool.h"

namespace sealpost::mta {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

struct RelayParts {
  std::filesystem::path etc;  // where reload reads the configuration again
  RelayPolicy policy;         // loaded from `etc` by the caller
  std::function<void(LogLevel, const std::string&)> log;
  std::function<void(const TlsOutcome&)> outcome;  // one TLS outcome record per connection
  // Told about every configuration that takes effect (start and reload): log levels.
  std::function<void(const policy::RelayConfig&)> configured;
  dns::Transport* dns = nullptr;                   // the resolver's transport (c-ares)
};

class Relay {
 public:
  // Takes the spool's lock: a second daemon on the same spool is refused.
  static Result<std::unique_ptr<Relay>> create(boost::asio::io_context& io, RelayParts parts);
  ~Relay();
  // Binds the listeners and the control socket and starts the queue runner; errors name the
  // listener.
  Status start();
  void stop();  // stops accepting and delivering; the spool keeps everything
  // Reads the configuration directory again; on any error the running configuration stays.
  Status reload();
  // One control request ("status --json", "flush ID", "hold ID", …): see control_socket.h.
  ControlAnswer control(const std::string& request);

  struct Counters {
    std::uint64_t accepted = 0, sent = 0, deferred = 0, bounced = 0, connections = 0, dsn = 0;
  };
  const Counters& counters() const;

  struct Impl;

 private:
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sealpost::mta
