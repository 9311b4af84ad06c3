// The relay daemon's core (issue "relay daemon"; DESIGN.md "What a user does" 1): SMTP
// listeners that accept mail from the relay networks into the spool (250 only once durable),
// and a queue runner that delivers every spooled message per recipient domain with that
// domain's destconfig setting and SMTP route (mta/delivery.h), keeps per-recipient state
// durably, retries on the configured schedule and gives up at the queue lifetime. One
// io_context thread. Logs go through a callback (the program owns spdlog).
// Not yet: DSN bounces, reload, `sealpost queue`, status — see the README status table.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "mta/spool.h"
#include "policy/destconfig.h"
#include "policy/relay_config.h"
#include "policy/smtproutes.h"
#include "tls/trust_store.h"

namespace sealpost::mta {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

struct RelayParts {
  policy::RelayConfig config;
  policy::DestConfig destconfig;
  policy::SmtpRoutes routes;
  tls::TrustStore trust;
  std::function<void(LogLevel, const std::string&)> log;
  std::function<void(const TlsOutcome&)> outcome;  // one TLS outcome record per connection
  dns::Transport* dns = nullptr;                   // the resolver's transport (c-ares)
};

class Relay {
 public:
  static Result<std::unique_ptr<Relay>> create(boost::asio::io_context& io, RelayParts parts);
  ~Relay();
  // Binds the listeners and starts the queue runner; errors name the listener.
  Status start();
  void stop();  // stops accepting and delivering; the spool keeps everything

  struct Counters {
    std::uint64_t accepted = 0, sent = 0, deferred = 0, bounced = 0, connections = 0;
  };
  const Counters& counters() const;

  struct Impl;

 private:
  explicit Relay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sealpost::mta
