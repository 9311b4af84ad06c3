// See relay.h.
#include "mta/daemon/relay.h"

#include "mta/daemon/metrics.h"

namespace sealpost::mta {

struct Relay::ClientShared {
  explicit ClientShared(boost::asio::any_io_executor executor) : parked(std::move(executor)) {}
  tls::TlsClientContext tls;
  ConnectionCache parked;
};

struct Relay::Dns {
  Dns(dns::Transport& transport, LoggingTransport::Log log) : logging(transport, std::move(log)), resolver(logging) {}
  LoggingTransport logging;
  dns::Resolver resolver;
};

struct Relay::Active {
  Active(ConfigSet s, std::shared_ptr<ClientShared> c, std::shared_ptr<LogSink> log)
      : set(std::move(s)),
        client(std::move(c)),
        session{.helo_name = set.config.hostname,
                .connections = &client->parked,
                .tls = &client->tls,
                .trust = &set.trust,
                .log = std::move(log)},
        queue{.relay = set.config, .destconfig = set.destconfig, .routes = set.routes, .session = session},
        listener{.hostname = set.config.hostname,
                 .limits = {.max_message_size = set.config.max_message_size, .max_recipients = set.config.max_recipients},
                 .max_connections = set.config.max_connections,
                 .relay_networks = set.config.relay_networks,
                 .tls = set.listener_tls} {}
  ConfigSet set;
  std::shared_ptr<ClientShared> client;
  SessionContext session;
  QueueConfig queue;
  ListenerSettings listener;
};

Relay::Relay(boost::asio::io_context& io, RelayParts parts, SpoolLock lock)
    : io_(io),
      etc_(std::move(parts.etc)),
      configured_(std::move(parts.configured)),
      log_(std::make_shared<LogSink>(std::move(parts.log))),
      lock_(std::move(lock)),
      client_(std::make_shared<ClientShared>(io.get_executor())) {}

Relay::~Relay() { stop(); }

Result<std::unique_ptr<Relay>> Relay::create(boost::asio::io_context& io, RelayParts parts) {
  if (!parts.dns) return Error{"relay: no DNS transport"};
  auto spool = Spool::open(parts.policy.config.spool_directory);
  if (!spool) return spool.error();
  // One daemon per spool: two would deliver the same messages twice.
  auto lock = SpoolLock::acquire(spool->directory());
  if (!lock) return Error{lock.error().message + ": another sealpostd uses this spool"};
  dns::Transport& transport = *parts.dns;
  auto outcome = std::move(parts.outcome);
  ConfigSet set = std::move(parts.policy);
  std::unique_ptr<Relay> r(new Relay(io, std::move(parts), std::move(*lock)));
  r->dns_ = std::make_shared<Dns>(transport, [log = r->log_](const std::string& line) { log->debug("dns", line); });
  // Each attempt's record: counted for `status`, shown by the debug categories, written out.
  auto on_outcome = [log = r->log_, tally = r->tally_, outcome = std::move(outcome)](const TlsOutcome& o) {
    tally->add(o);
    if (log->debugging("smtp")) log->debug("smtp", o.queue_id + ": " + describe_smtp(o));
    if (log->debugging("tls") && o.starttls != StartTls::kNotAttempted) log->debug("tls", o.queue_id + ": " + describe_tls(o));
    if (log->debugging("pki") && o.trace) log->debug("pki", o.queue_id + ": " + describe_pki(o));
    if (log->debugging("pki") && o.dane) log->debug("pki", o.queue_id + ": " + describe_dane(o));
    if (log->debugging("pki") && o.mta_sts) log->debug("pki", o.queue_id + ": " + describe_sts(o));
    if (outcome) outcome(o);
  };
  r->queue_ = QueueRunner::create(io, std::move(*spool), std::shared_ptr<dns::Resolver>(r->dns_, &r->dns_->resolver), r->log_,
                                  std::move(on_outcome));
  r->listener_ = Listener::create(
      io, r->log_, [queue = r->queue_](const std::string& ip, const Envelope& message) { return queue->commit(ip, message); });
  r->activate(std::move(set));
  return r;
}

void Relay::activate(ConfigSet set) {
  auto a = std::make_shared<const Active>(std::move(set), client_, log_);
  log_->set_debug(a->set.config.debug);
  queue_->configure(std::shared_ptr<const QueueConfig>(a, &a->queue));
  listener_->configure(std::shared_ptr<const ListenerSettings>(a, &a->listener));
  active_ = std::move(a);
  if (configured_) configured_(active_->set.config);
}

AdminTarget Relay::admin_target() {
  return {.queue = *queue_,
          .listener = *listener_,
          .log = *log_,
          .tally = *tally_,
          .resolver = dns_->resolver,
          .parked = client_->parked,
          .reload = [this] { return reload(); }};
}

Status Relay::start() {
  const policy::RelayConfig& config = active_->set.config;
  if (auto s = listener_->bind(config.listen); !s) return s;
  auto control = ControlSocket::listen(io_, control_socket_path(config),
                                       [this](const std::string& request) { return this->control(request); });
  if (!control) return control.error();
  control_socket_ = std::move(*control);
  if (config.metrics_listen) {
    auto metrics = MetricsServer::listen(io_, *config.metrics_listen, [this] { return this->metrics(); });
    if (!metrics) return metrics.error();
    metrics_server_ = std::move(*metrics);
  }
  listener_->start();
  // Mail that was queued before a restart resumes where its state file left it.
  const auto resumed = queue_->start();
  (*log_)(LogLevel::kInfo, "sealpostd started: " + std::to_string(listener_->endpoints()) + " listener(s), " +
                               std::to_string(resumed.queued) + " message(s) in the queue, " + std::to_string(resumed.held) +
                               " held");
  if (!config.dnssec_trust_ad) {
    // DANE-MTA-STS.md §1 rule 1: said once, so an operator who configured DANE learns why it is idle.
    (*log_)(LogLevel::kWarning,
            "DANE is inert: [dns] dnssec = \"off\" (no resolver is trusted to validate DNSSEC); destinations with "
            "dane = mandatory defer");
  }
  return ok();
}

void Relay::stop() {
  if (stopped_) return;
  stopped_ = true;
  listener_->stop();
  if (control_socket_) control_socket_->close();
  if (metrics_server_) metrics_server_->close();
  client_->parked.close_all();
  queue_->stop();
}

Status Relay::reload() {
  auto next = load_config_set(etc_);
  if (!next) {
    (*log_)(LogLevel::kError, "reload refused, the running configuration stays: " + next.error().message);
    return next.error();
  }
  const auto& old = active_->set.config;
  std::vector<std::string> restart_only;
  if (next->config.spool_directory != old.spool_directory) restart_only.push_back("spool directory");
  if (next->config.dns_servers != old.dns_servers) restart_only.push_back("DNS servers");
  if (next->config.log_file != old.log_file || next->config.outcome_log != old.outcome_log) restart_only.push_back("log files");
  if (next->config.listen != old.listen) restart_only.push_back("listeners");
  if (next->config.user != old.user) restart_only.push_back("[server] user");
  if (next->config.metrics_listen != old.metrics_listen) restart_only.push_back("[metrics] listen");
  for (const auto& what : restart_only) (*log_)(LogLevel::kWarning, "reload: " + what + " change only on restart");
  const std::string summary = std::to_string(next->destconfig.entries().size()) + " destconfig entries, " +
                              std::to_string(next->routes.entries().size()) + " SMTP routes, " +
                              std::to_string(next->trust.trustpoints().size()) + " trustpoints";
  activate(std::move(*next));
  // A parked connection was verified with the old trust store and destconfig.
  client_->parked.close_all();
  // Queued mail meets the new policy at its next attempt (flush to make that now).
  (*log_)(LogLevel::kInfo, "reload: configuration from " + etc_.string() + " in effect (" + summary + ")");
  return ok();
}

ControlAnswer Relay::control(const std::string& request) { return answer_control(request, admin_target()); }

std::string Relay::metrics() { return render_metrics(admin_target(), std::chrono::system_clock::now()); }

std::optional<boost::asio::ip::tcp::endpoint> Relay::metrics_endpoint() const {
  if (!metrics_server_) return std::nullopt;
  return metrics_server_->endpoint();
}

}  // namespace sealpost::mta
