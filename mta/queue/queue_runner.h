// The queue manager (DESIGN.md "The spool", TLS-POLICY.md §7): takes messages from the
// listener into the spool, delivers every spooled message per recipient domain with that
// domain's destconfig setting and SMTP route (client/delivery.h), keeps per-recipient state
// durably, retries on the configured schedule, gives up at the queue lifetime and returns a
// DSN to the sender for every recipient that failed (dsn.h). Per destination it keeps to
// destconfig's connection and recipient limits (destination_slots.h). A one-second tick (and
// a wake-up on every new message) starts a delivery coroutine for each due message, at most
// max_deliveries at once. Lifetime: the runner is shared by its coroutines
// (shared_from_this); after stop() nothing new starts and a delivery that ends touches only
// the runner's own state. Mandatory-TLS failures alert the administrators (tls_alerts.h).
// Untrusted: spool files (spool.h checks them).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "mta/client/smtp_session.h"
#include "mta/queue/destination_slots.h"
#include "mta/queue/dsn.h"
#include "mta/queue/latency_histogram.h"
#include "mta/queue/schedule.h"
#include "mta/queue/spool.h"
#include "mta/queue/sts_policies.h"
#include "mta/queue/tls_alerts.h"
#include "mta/report/tls_outcome.h"
#include "mta/smtp/log_sink.h"
#include "policy/destconfig.h"
#include "policy/relay_config.h"
#include "policy/smtproutes.h"

namespace sealpost::mta {

// What one delivery attempt runs with: views into one configuration set, kept alive by
// whoever owns the shared_ptr this comes in (the daemon's aliasing pointer). A reload
// brings a new one; an attempt in flight finishes with the one it started with.
struct QueueConfig {
  const policy::RelayConfig& relay;
  const policy::DestConfig& destconfig;
  const policy::SmtpRoutes& routes;
  const SessionContext& session;
};

// An administrator's request answered: ok, or refused with why (`sealpost queue` exits 1).
struct QueueAnswer {
  bool ok = true;
  std::string text;  // one line, with its newline
};

class QueueRunner : public std::enable_shared_from_this<QueueRunner> {
 public:
  struct Counters {
    // Per recipient: sent, deferred (each attempt that left it queued), bounced.
    std::uint64_t accepted = 0, sent = 0, deferred = 0, bounced = 0, dsn = 0;
    // Per message: left the queue with every recipient sent, or with one or more bounced;
    // attempts after which it stayed queued for a retry.
    std::uint64_t messages_delivered = 0, messages_bounced = 0, messages_deferred = 0;
    std::uint64_t alerts = 0;  // TLS alerts queued (tls_alerts.h)
  };
  // Each connection attempt's outcome record, with its queue ID.
  using OutcomeSink = std::function<void(const TlsOutcome&)>;

  static std::shared_ptr<QueueRunner> create(boost::asio::io_context& io, Spool spool, std::shared_ptr<dns::Resolver> resolver,
                                             std::shared_ptr<LogSink> log, OutcomeSink outcome);
  void configure(std::shared_ptr<const QueueConfig> config) {
    config_ = std::move(config);
    next_anchor_check_ = 0;  // a new trust store: its anchors are looked at the next tick
  }

  struct Resumed {
    std::size_t queued = 0, held = 0;
  };
  Resumed start();  // schedules what the spool holds (where its state files left it), runs
  void stop();      // nothing new starts; the spool keeps everything

  // A message from a client, durable before this returns its ID, scheduled for now. The
  // spool write and its fsyncs run on a small pool, so sessions committing at once have their
  // fsyncs grouped by the file system's journal (DESIGN.md "The spool": grouped, never
  // skipped); the ID still waits for this message's own fsyncs.
  boost::asio::awaitable<Result<std::string>> commit(std::string client_ip, const Envelope& message);

  // Administration (`sealpost queue`); a message being delivered is held or deleted when its
  // attempt ends.
  QueueAnswer remove(const std::string& id);
  QueueAnswer hold(const std::string& id);
  QueueAnswer release(const std::string& id);
  QueueAnswer flush(const std::string& id);
  std::size_t flush_all();
  bool queued(const std::string& id) const { return spool_.load(id).has_value(); }

  const Counters& counters() const { return counters_; }
  const LatencyHistogram& commit_latency() const { return commit_latency_; }
  std::size_t spooled() const { return spool_.list().size(); }
  std::size_t scheduled() const { return schedule_.size(); }
  std::size_t in_flight() const { return in_flight_.size(); }
  const Spool& spool() const { return spool_; }
  const StsPolicies& sts() const { return sts_; }

 private:
  using Destinations = std::vector<std::pair<std::string, std::uint32_t>>;
  QueueRunner(boost::asio::io_context& io, Spool spool, std::shared_ptr<dns::Resolver> resolver, std::shared_ptr<LogSink> log,
              OutcomeSink outcome);

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<void> process(std::string id);
  void refresh_sts_when_due();
  Destinations destinations(const QueueConfig& config, const std::vector<std::string>& recipients) const;
  bool startable(const std::string& id) const;
  void forget(const std::string& id);
  void wake() { tick_.cancel(); }
  void finish_recipient(const std::string& id, QueueState& st, const RecipientResult& r, const TlsOutcome* last);
  bool send_dsn(const QueuedMessage& msg, std::vector<DsnRecipient> failed);
  void queue_alert(const policy::RelayConfig& relay, const TlsOutcome& outcome);
  void check_anchors_when_due();
  void commit_alert(const Envelope& alert, const std::string& why);
  void end_delivery(const std::string& id);
  void remove_delivered(const std::string& id, const QueueState& st);
  void remove_now(const std::string& id);
  void hold_now(const std::string& id);
  QueueAnswer now_or_after(const std::string& id, std::set<std::string>& after, void (QueueRunner::*now)(const std::string&),
                           const std::string& done);

  boost::asio::io_context& io_;
  Spool spool_;
  std::shared_ptr<dns::Resolver> resolver_;
  std::shared_ptr<LogSink> log_;
  OutcomeSink outcome_;
  std::shared_ptr<const QueueConfig> config_;
  boost::asio::thread_pool commit_pool_;
  boost::asio::steady_timer tick_;
  Schedule schedule_;
  std::set<std::string> in_flight_;
  DestinationSlots slots_;
  std::map<std::string, Destinations> destinations_of_;  // queue ID → where its pending recipients go
  // Administrator requests for a message that was being delivered: applied when it ends.
  std::set<std::string> hold_after_, delete_after_;
  Counters counters_;
  LatencyHistogram commit_latency_;
  TlsAlerts alerts_;
  bool stopping_ = false;
  StsPolicies sts_;
  std::int64_t next_sts_refresh_ = 0;  // when the background MTA-STS refresh next runs (unix time)
  bool sts_refreshing_ = false;
  std::int64_t next_anchor_check_ = 0;  // when trust anchors are next looked at for expiry (unix time)
};

}  // namespace sealpost::mta
