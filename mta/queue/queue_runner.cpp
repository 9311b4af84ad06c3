// See queue_runner.h.
#include "mta/queue/queue_runner.h"

#include <algorithm>

#include "dns/policy_txt_lookup.h"
#include "mta/client/await_lookup.h"
#include "mta/client/delivery.h"
#include "mta/smtp/address.h"
#include "policy/stage_decision.h"
#include "policy/time_format.h"

namespace sealpost::mta {
namespace {

namespace asio = boost::asio;
constexpr auto kTick = std::chrono::seconds(1);
constexpr std::size_t kCommitThreads = 4;  // spool commits (and their fsyncs) in flight at once

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The destination a concurrency limit counts: the recipient domain, or the hosts of its SMTP
// route (every domain routed to one smarthost shares that smarthost's limit).
std::string destination_name(const QueueConfig& config, const std::string& domain) {
  const policy::SmtpRoute* route = config.routes.lookup(domain);
  return route && !route->use_dns() ? "[" + policy::describe(*route) + "]" : domain;
}

StsFetchSettings sts_fetch_settings(const policy::RelayConfig& relay) {
  return {.port = relay.mta_sts_port, .timeout = std::chrono::seconds(relay.mta_sts_timeout_seconds)};
}

AlertSettings alert_settings(const policy::RelayConfig& relay) {
  return {.recipients = relay.alert_recipients, .interval_seconds = relay.alert_interval_seconds, .hostname = relay.hostname};
}

}  // namespace

QueueRunner::QueueRunner(asio::io_context& io, Spool spool, std::shared_ptr<dns::Resolver> resolver, std::shared_ptr<LogSink> log,
                         OutcomeSink outcome)
    : io_(io),
      spool_(std::move(spool)),
      resolver_(std::move(resolver)),
      log_(std::move(log)),
      outcome_(std::move(outcome)),
      commit_pool_(kCommitThreads),
      tick_(io),
      sts_(StsPolicyStore(spool_.directory()), log_) {}

std::shared_ptr<QueueRunner> QueueRunner::create(asio::io_context& io, Spool spool, std::shared_ptr<dns::Resolver> resolver,
                                                 std::shared_ptr<LogSink> log, OutcomeSink outcome) {
  return std::shared_ptr<QueueRunner>(
      new QueueRunner(io, std::move(spool), std::move(resolver), std::move(log), std::move(outcome)));
}

QueueRunner::Resumed QueueRunner::start() {
  Resumed r;
  for (const auto& id : spool_.list()) {
    const QueueState st = spool_.state(id);
    if (st.held) {
      ++r.held;
      continue;
    }
    schedule_.set(id, st.next_attempt);
    ++r.queued;
  }
  asio::co_spawn(
      io_, [self = shared_from_this()] { return self->run(); }, asio::detached);
  return r;
}

void QueueRunner::stop() {
  stopping_ = true;
  wake();
}

// Where a message's pending recipients go, with each destination's connection limit.
QueueRunner::Destinations QueueRunner::destinations(const QueueConfig& config, const std::vector<std::string>& recipients) const {
  Destinations out;
  for (const auto& r : recipients) {
    const std::string domain = delivery_domain(r);  // A-labels, as destconfig and DNS know it
    std::pair<std::string, std::uint32_t> d{destination_name(config, domain), config.destconfig.lookup(domain).max_connections};
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
  }
  return out;
}

// A message is worth starting when one of its destinations has a free slot; otherwise it
// would wait inside a delivery and hold one of the relay's max_deliveries.
bool QueueRunner::startable(const std::string& id) const {
  const auto it = destinations_of_.find(id);
  if (it == destinations_of_.end()) return true;  // not read since a restart: find out
  return std::any_of(it->second.begin(), it->second.end(), [&](const auto& d) { return !slots_.full(d.first, d.second); });
}

void QueueRunner::forget(const std::string& id) {
  schedule_.forget(id);
  destinations_of_.erase(id);
}

asio::awaitable<Result<std::string>> QueueRunner::commit(std::string client_ip, const Envelope& message) {
  const auto self = shared_from_this();
  const auto received = std::chrono::system_clock::now();
  const auto started = std::chrono::steady_clock::now();
  struct Committed {  // default-constructible, as co_spawn's result must be
    std::string id, error;
  };
  const Committed c = co_await asio::co_spawn(
      commit_pool_,
      [this, &client_ip, &message, received]() -> asio::awaitable<Committed> {
        auto r = spool_.commit("[" + client_ip + "]", message, received);
        co_return r ? Committed{.id = *r} : Committed{.error = r.error().message};
      },
      asio::use_awaitable);
  commit_latency_.observe(std::chrono::steady_clock::now() - started);  // the client's wait, pool queueing included
  if (!c.error.empty()) {
    (*log_)(LogLevel::kError, "spool: " + c.error);
    co_return Error{c.error};
  }
  ++counters_.accepted;
  (*log_)(LogLevel::kInfo, c.id + ": from=<" + message.from + ">, size=" + std::to_string(message.content.size()) +
                               ", nrcpt=" + std::to_string(message.recipients.size()) + " (queue active)");
  schedule_.set(c.id, 0);
  destinations_of_[c.id] = destinations(*config_, message.recipients);
  wake();  // deliver now, not at the next tick
  co_return c.id;
}

asio::awaitable<void> QueueRunner::run() {
  while (!stopping_) {
    const std::size_t max = config_->relay.max_deliveries;
    // Due messages in time order; a window bounds the look past messages that cannot start
    // yet (in flight, or every destination busy). Spawned after: a delivery may start inline
    // and erase its own entry (a message whose recipients were all done before a crash).
    const auto due = schedule_.due(unix_now(), 16 * max + 1024, max - std::min(max, in_flight_.size()),
                                   [this](const std::string& id) { return !in_flight_.contains(id) && startable(id); });
    for (const auto& id : due) {
      log_->debug("queue", id + ": delivery starts (" + std::to_string(in_flight_.size() + 1) + " in flight)");
      in_flight_.insert(id);
      asio::co_spawn(
          io_, [self = shared_from_this(), id] { return self->process(id); }, asio::detached);
    }
    refresh_sts_when_due();
    check_anchors_when_due();
    tick_.expires_after(kTick);
    boost::system::error_code ec;
    co_await tick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

// RFC 8461 §5.1: cached policies are refetched before they expire, in the background, one
// pass at a time, with the configuration of the moment.
void QueueRunner::refresh_sts_when_due() {
  if (sts_refreshing_ || unix_now() < next_sts_refresh_) return;
  next_sts_refresh_ = unix_now() + config_->relay.mta_sts_refresh_seconds;
  sts_refreshing_ = true;
  asio::co_spawn(
      io_,
      [self = shared_from_this(), config = config_]() -> asio::awaitable<void> {
        co_await self->sts_.refresh_due(config->session, *self->resolver_, sts_fetch_settings(config->relay));
        self->sts_refreshing_ = false;
      },
      asio::detached);
}

void QueueRunner::finish_recipient(const std::string& id, QueueState& st, const RecipientResult& r, const TlsOutcome* last) {
  std::string relay = "none";
  std::string tls_text = "none";
  if (last) {
    relay = last->host + "[" + last->ip + "]:" + std::to_string(last->port);
    tls_text = tls_summary(*last);
  }
  (*log_)(r.status == RecipientStatus::kSent ? LogLevel::kInfo : LogLevel::kWarning,
          id + ": to=<" + r.address + "> relay=" + relay + " tls=" + tls_text + " status=" + std::string(to_string(r.status)) +
              " (" + (r.status_code.empty() ? "" : r.status_code + " ") + r.reply + ")");
  if (r.status == RecipientStatus::kSent) ++counters_.sent;
  if (r.status == RecipientStatus::kBounced) ++counters_.bounced;
  if (r.status == RecipientStatus::kDeferred) ++counters_.deferred;
  if (r.status != RecipientStatus::kDeferred) st.finished.push_back(r);
}

// The DSN is in the spool before the recipients it reports are marked done: a crash in
// between sends it twice at worst, never not at all. False: keep the recipients queued.
bool QueueRunner::send_dsn(const QueuedMessage& msg, std::vector<DsnRecipient> failed) {
  const auto arrival = policy::parse_rfc3339_utc(msg.received);
  auto dsn = make_dsn({.reporting_mta = config_->relay.hostname,
                       .queue_id = msg.id,
                       .arrival = arrival ? *arrival : std::chrono::system_clock::now(),
                       .now = std::chrono::system_clock::now(),
                       .sender = msg.envelope.from,
                       .original_content = msg.envelope.content,
                       .recipients = std::move(failed),
                       .smtputf8 = msg.envelope.smtputf8});
  if (!dsn) {
    (*log_)(LogLevel::kInfo, msg.id + ": no DSN: the sender is null (a bounce is never bounced)");
    return true;
  }
  auto id = spool_.commit("localhost[sealpost-dsn]", *dsn, std::chrono::system_clock::now());
  if (!id) {
    (*log_)(LogLevel::kError, msg.id + ": DSN not queued, recipients stay queued: " + id.error().message);
    return false;
  }
  ++counters_.dsn;
  (*log_)(LogLevel::kInfo, msg.id + ": sender non-delivery notification: " + *id);
  schedule_.set(*id, 0);
  return true;
}

// tls_alerts.h: queued like a DSN, synchronously, and scheduled now.
void QueueRunner::queue_alert(const policy::RelayConfig& relay, const TlsOutcome& o) {
  auto alert = alerts_.consider(o, alert_settings(relay), std::chrono::system_clock::now());
  if (alert) {
    commit_alert(*alert,
                 o.queue_id + ": mandatory TLS failed for " + o.recipient_domain + " at " + std::string(to_string(o.stage)));
  }
}

// Hourly, and after every reload (a new trust store): anchors expired or ending soon.
void QueueRunner::check_anchors_when_due() {
  if (unix_now() < next_anchor_check_ || !config_->session.trust) return;
  next_anchor_check_ = unix_now() + 3600;
  std::vector<ExpiringAnchor> anchors;
  for (const auto& tp : config_->session.trust->trustpoints()) {
    for (const auto& c : tp.certificates) {
      anchors.push_back({.trustpoint = tp.name, .subject = c.subject(), .not_after = c.not_after()});
    }
  }
  auto alert = alerts_.consider_anchors(anchors, alert_settings(config_->relay), std::chrono::system_clock::now());
  if (alert) commit_alert(*alert, "trust anchors expired or expiring");
}

void QueueRunner::commit_alert(const Envelope& alert, const std::string& why) {
  auto id = spool_.commit(kAlertClient, alert, std::chrono::system_clock::now());
  if (!id) {
    (*log_)(LogLevel::kError, "alert not queued (" + why + "): " + id.error().message);
    return;
  }
  ++counters_.alerts;
  (*log_)(LogLevel::kWarning, why + "; alert " + *id + " queued to " + std::to_string(alert.recipients.size()) + " recipient(s)");
  schedule_.set(*id, 0);
}

asio::awaitable<void> QueueRunner::process(std::string id) {
  const auto self = shared_from_this();
  struct Done {
    QueueRunner& runner;
    std::string id;
    ~Done() { runner.end_delivery(id); }
  } done{*this, id};
  const auto config = config_;  // this attempt's configuration, whatever a reload does meanwhile
  const QueueConfig& pol = *config;
  auto msg = spool_.load(id);
  if (!msg) {
    (*log_)(LogLevel::kError, id + ": " + msg.error().message + "; moved to corrupt/");
    (void)spool_.quarantine(id);
    forget(id);
    co_return;
  }
  QueueState st = spool_.state(id);
  if (st.held) {
    forget(id);
    co_return;
  }
  std::map<std::string, std::vector<std::string>> by_domain;
  for (const auto& r : msg->envelope.recipients) {
    const bool finished = std::any_of(st.finished.begin(), st.finished.end(), [&](const auto& f) { return f.address == r; });
    if (!finished) by_domain[delivery_domain(r)].push_back(r);
  }
  std::vector<RecipientResult> deferred;
  std::vector<std::string> pending;
  for (const auto& [domain, rcpts] : by_domain) pending.insert(pending.end(), rcpts.begin(), rcpts.end());
  destinations_of_[id] = destinations(pol, pending);
  for (const auto& [domain, all_rcpts] : by_domain) {
    const auto dest = pol.destconfig.lookup(domain);
    const policy::SmtpRoute* route = pol.routes.lookup(domain);
    const std::string destination = destination_name(pol, domain);
    // MTA-STS (RFC 8461 §3.4): the recipient domain's policy, for MX deliveries only (a route
    // naming its hosts is the operator's choice of host and TLS).
    std::optional<policy::StsInForce> sts;
    std::vector<std::string> rua;
    if (!route || route->use_dns()) {
      sts = co_await sts_.for_delivery(pol.session, *resolver_, domain, dest.mta_sts, sts_fetch_settings(pol.relay));
      // RFC 8460 §3: where this domain wants its TLS reports, recorded with each outcome.
      if (dest.tls != policy::TlsSetting::kNo && !policy::IpAddress::parse(domain)) {
        const std::string& name = domain;  // clang 14 cannot capture a structured binding
        auto found = co_await await_lookup<dns::TlsRptResult>(
            [&](auto answer) { dns::lookup_tlsrpt_txt(*resolver_, name, std::move(answer)); });
        rua = std::move(found.rua);
      }
    }
    // destconfig max_recipients_per_message: larger lists go as several transactions.
    for (std::size_t first = 0; first < all_rcpts.size(); first += dest.max_recipients_per_message) {
      if (stopping_) co_return;
      const std::vector<std::string> rcpts(all_rcpts.begin() + static_cast<std::ptrdiff_t>(first),
                                           all_rcpts.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                                   all_rcpts.size(), first + dest.max_recipients_per_message)));
      co_await slots_.acquire(destination, dest.max_connections);
      struct Slot {
        QueueRunner& runner;
        const std::string& destination;
        ~Slot() {
          if (!runner.stopping_) runner.slots_.release(destination);  // after stop no waiter is woken
        }
      } slot{*this, destination};
      if (stopping_) co_return;
      Envelope env{
          .from = msg->envelope.from, .recipients = rcpts, .content = msg->envelope.content, .smtputf8 = msg->envelope.smtputf8};
      // Built before the co_await: g++ 12 miscompiles a conditional expression inside the
      // operand of co_await (a null route pointer was dereferenced).
      DeliveryRequest request{.recipient_domain = domain,
                              .setting = dest.tls,
                              .destconfig_entry = dest.entry,
                              .mx_port = pol.relay.smtp_port,
                              .envelope = &env,
                              .max_messages_per_connection = dest.max_messages_per_connection,
                              .dane = dest.dane,
                              .dane_insecure_mx = dest.dane_insecure_mx,
                              .dnssec_trusted = pol.relay.dnssec_trust_ad,
                              .sts = sts,
                              .tlsrpt_rua = rua};
      if (route) request.route = *route;
      const bool is_alert = msg->client == kAlertClient;  // an alert's own failure never alerts
      OutcomeSink sink = [this, &id, &pol, is_alert](const TlsOutcome& o) {
        TlsOutcome record = o;
        record.queue_id = id;
        if (!is_alert) queue_alert(pol.relay, record);
        if (outcome_) outcome_(record);
      };
      auto result = co_await deliver(pol.session, *resolver_, std::move(request), std::move(sink));
      const TlsOutcome* last = result.attempts.empty() ? nullptr : &result.attempts.back().outcome;
      std::vector<DsnRecipient> failed;
      const std::size_t finished_before = st.finished.size();
      for (const auto& r : result.recipients) {
        finish_recipient(id, st, r, last);
        if (r.status == RecipientStatus::kDeferred) deferred.push_back(r);
        if (r.status == RecipientStatus::kBounced) {
          failed.push_back({.address = r.address,
                            .status = r.status_code.empty() ? "5.0.0" : r.status_code,
                            .diagnostic = r.reply,
                            .remote_mta = last && r.source == ReplySource::kRemote ? last->host : "",
                            .source = r.source});
        }
      }
      if (!failed.empty() && !send_dsn(*msg, std::move(failed))) {
        // Not marked done, so the next attempt bounces (and reports) them again.
        for (std::size_t i = finished_before; i < st.finished.size(); ++i) {
          if (st.finished[i].status != RecipientStatus::kBounced) continue;
          deferred.push_back({.address = st.finished[i].address,
                              .status = RecipientStatus::kDeferred,
                              .status_code = "4.3.0",
                              .reply = "DSN could not be queued"});
        }
        std::vector<RecipientResult> kept(st.finished.begin(),
                                          st.finished.begin() + static_cast<std::ptrdiff_t>(finished_before));
        for (std::size_t i = finished_before; i < st.finished.size(); ++i) {
          if (st.finished[i].status != RecipientStatus::kBounced) kept.push_back(st.finished[i]);
        }
        st.finished = std::move(kept);
      }
      // A recipient is done only once this is on disk (DESIGN.md "The spool"). When none is
      // left, removing the message (below) says so: no state file is written first.
      if (st.finished.size() < msg->envelope.recipients.size()) {
        if (auto s = spool_.save_state(id, st); !s) (*log_)(LogLevel::kError, id + ": " + s.error().message);
      }
    }
  }
  if (deferred.empty()) {
    remove_delivered(id, st);
    co_return;
  }
  ++st.attempts;
  st.last_deferred = deferred;
  const auto received = policy::parse_rfc3339_utc(msg->received);
  const std::int64_t age = received ? unix_now() - std::chrono::system_clock::to_time_t(*received) : 0;
  if (age >= static_cast<std::int64_t>(pol.relay.lifetime_seconds)) {
    // TLS-POLICY.md §7: at expiry the last reason turns permanent (4.7.5 → 5.7.5).
    std::vector<DsnRecipient> expired;
    for (const auto& r : deferred) {
      RecipientResult final{.address = r.address,
                            .status = RecipientStatus::kBounced,
                            .status_code = policy::permanent_status(r.status_code.empty() ? "4.4.7" : r.status_code),
                            .reply = "message expired after " + std::to_string(age) + " s in the queue: " + r.reply};
      finish_recipient(id, st, final, nullptr);
      expired.push_back(
          {.address = r.address, .status = final.status_code, .diagnostic = r.reply, .expired = true, .source = r.source});
    }
    if (send_dsn(*msg, std::move(expired))) {
      remove_delivered(id, st);
      co_return;
    }
  }
  const auto& retry = pol.relay.retry_seconds;
  st.next_attempt = unix_now() + retry[std::min<std::size_t>(st.attempts - 1, retry.size() - 1)];
  if (auto s = spool_.save_state(id, st); !s) (*log_)(LogLevel::kError, id + ": " + s.error().message);
  schedule_.set(id, st.next_attempt);
  ++counters_.messages_deferred;
  log_->debug("queue", id + ": attempt " + std::to_string(st.attempts) + " left " + std::to_string(deferred.size()) +
                           " recipient(s) deferred; next attempt in " + std::to_string(st.next_attempt - unix_now()) + " s");
}

// Every recipient is done (sent, bounced or expired, with its DSN queued).
void QueueRunner::remove_delivered(const std::string& id, const QueueState& st) {
  const bool bounced =
      std::any_of(st.finished.begin(), st.finished.end(), [](const auto& r) { return r.status == RecipientStatus::kBounced; });
  ++(bounced ? counters_.messages_bounced : counters_.messages_delivered);
  if (auto s = spool_.remove(id); !s) (*log_)(LogLevel::kError, id + ": " + s.error().message);
  (*log_)(LogLevel::kInfo, id + ": removed");
  forget(id);
}

// An attempt ended: a slot is free, and an administrator's hold or delete waiting for it applies.
void QueueRunner::end_delivery(const std::string& id) {
  in_flight_.erase(id);
  if (stopping_) return;  // the spool keeps the message as the attempt left it
  wake();                 // a free delivery slot: start the next due message now, not at the tick
  if (delete_after_.erase(id)) remove_now(id);
  if (hold_after_.erase(id)) hold_now(id);
}

}  // namespace sealpost::mta
