// The relay daemon (DESIGN.md "What a user does" 1): composes the listener (server/), the
// queue runner (queue/) and the control socket, and runs them with one configuration set at
// a time. Start binds and resumes the spool; stop stops accepting and delivering (the spool
// keeps everything); reload swaps the whole configuration at once (a delivery or session in
// progress finishes with the one it started with, parked connections are closed). One
// io_context thread, plus the queue's small pool for spool commits. With [metrics] listen,
// the metrics endpoint too (metrics_server.h). Logs go through a
// callback (the program owns spdlog); debug categories in daemon/debug_log.h.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "mta/client/connection_cache.h"
#include "mta/daemon/admin_commands.h"
#include "mta/daemon/config_set.h"
#include "mta/daemon/control_socket.h"
#include "mta/daemon/debug_log.h"
#include "mta/daemon/metrics_server.h"
#include "mta/queue/queue_runner.h"
#include "mta/queue/spool.h"
#include "mta/server/listener.h"
#include "mta/smtp/log_sink.h"

namespace sealpost::mta {

struct RelayParts {
  std::filesystem::path etc;  // where reload reads the configuration again
  ConfigSet policy;           // loaded from `etc` by the caller
  std::function<void(LogLevel, const std::string&)> log;
  std::function<void(const TlsOutcome&)> outcome;  // one TLS outcome record per connection
  // Told about every configuration that takes effect (start and reload): log levels.
  std::function<void(const policy::RelayConfig&)> configured;
  dns::Transport* dns = nullptr;  // the resolver's transport (c-ares)
};

class Relay {
 public:
  // Takes the spool's lock: a second daemon on the same spool is refused.
  static Result<std::unique_ptr<Relay>> create(boost::asio::io_context& io, RelayParts parts);
  ~Relay();  // stops first
  // Binds the listeners and the control socket and starts the queue runner; errors name the
  // listener.
  Status start();
  void stop();
  // Reads the configuration directory again; on any error the running configuration stays.
  Status reload();
  // One control request ("status --json", "flush ID", "hold ID", …): see admin_commands.h.
  ControlAnswer control(const std::string& request);
  // What GET /metrics answers (metrics.h), whether or not [metrics] listen is set.
  std::string metrics();
  // Where the metrics endpoint listens; none when [metrics] listen is empty.
  std::optional<boost::asio::ip::tcp::endpoint> metrics_endpoint() const;

 private:
  // One configuration set and the views of it that the listener and the queue run with;
  // they hold it through aliasing pointers, so it lives as long as its last user.
  struct Active;
  // What every configuration's deliveries share: the TLS client context (its session cache)
  // and the connection cache. Held by each Active, so a delivery in flight keeps it.
  struct ClientShared;
  // The resolver with the `dns` debug transport in front of the daemon's transport; the
  // queue holds the resolver through an aliasing pointer to this.
  struct Dns;

  Relay(boost::asio::io_context& io, RelayParts parts, SpoolLock lock);
  void activate(ConfigSet set);
  AdminTarget admin_target();

  boost::asio::io_context& io_;
  std::filesystem::path etc_;
  std::function<void(const policy::RelayConfig&)> configured_;
  std::shared_ptr<LogSink> log_;
  std::shared_ptr<TlsTally> tally_ = std::make_shared<TlsTally>();
  SpoolLock lock_;
  std::shared_ptr<Dns> dns_;
  std::shared_ptr<ClientShared> client_;
  std::shared_ptr<const Active> active_;
  std::shared_ptr<QueueRunner> queue_;
  std::shared_ptr<Listener> listener_;
  std::unique_ptr<ControlSocket> control_socket_;
  std::unique_ptr<MetricsServer> metrics_server_;
  bool stopped_ = false;
};

}  // namespace sealpost::mta
