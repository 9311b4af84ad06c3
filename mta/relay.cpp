// See relay.h. Listener: one coroutine per client, lines split here, protocol in
// InboundSession. Queue runner: a one-second tick (and a wake-up on every new message) starts
// a delivery coroutine for each due message, at most max_deliveries at once.
#include "mta/relay.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "mta/connection_cache.h"
#include "mta/debug_log.h"
#include "mta/delivery.h"
#include "mta/destination_slots.h"
#include "mta/dsn.h"
#include "mta/inbound_connection.h"
#include "mta/inbound_session.h"
#include "mta/time_format.h"
#include "policy/domain_name.h"
#include "policy/stage_decision.h"

namespace sealpost::mta {
namespace {

using tcp = asio::ip::tcp;
constexpr auto kIdleTimeout = std::chrono::minutes(5);  // RFC 5321 §4.5.3.2.7
constexpr auto kTick = std::chrono::seconds(1);
constexpr auto kHandshakeTimeout = std::chrono::seconds(60);
constexpr std::size_t kCommitThreads = 4;  // spool commits (and their fsyncs) in flight at once

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string domain_of(const std::string& address) { return address.substr(address.rfind('@') + 1); }

}  // namespace

struct Relay::Impl {
  // What one delivery runs with from start to end; reload replaces the pointer, never the
  // object, so a delivery in flight keeps a consistent configuration.
  using Destinations = std::vector<std::pair<std::string, std::uint32_t>>;
  struct Active {
    RelayPolicy policy;
    SessionContext session;
  };

  Impl(asio::io_context& io_context, RelayParts parts_in)
      : io(io_context), p(std::move(parts_in)), tick(io_context) {}
  ~Impl() { *alive = false; }

  asio::io_context& io;
  // Coroutines still suspended when the program ends are destroyed with the io_context,
  // after this object: their clean-up looks here first.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  RelayParts p;
  std::shared_ptr<Active> active;
  std::optional<Spool> spool;
  std::optional<SpoolLock> lock;
  std::unique_ptr<LoggingTransport> dns_log;  // the `dns` debug category, in front of p.dns
  std::unique_ptr<dns::Resolver> resolver;
  std::set<std::string, std::less<>> debug_on;  // categories: from the config, `sealpost debug` changes them
  tls::TlsClientContext tls;
  asio::thread_pool commit_pool{kCommitThreads};
  std::unique_ptr<ConnectionCache> parked = std::make_unique<ConnectionCache>(io.get_executor());
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unique_ptr<ControlSocket> control_socket;
  asio::steady_timer tick;
  // When each queued message is tried next (Unix seconds), by ID and in time order: the runner
  // reads only the front of `by_time`, so a large queue costs nothing per wake-up.
  std::map<std::string, std::int64_t> schedule;
  std::set<std::pair<std::int64_t, std::string>> by_time;
  std::set<std::string> in_flight;
  DestinationSlots slots;
  std::map<std::string, Destinations> destinations_of;  // queue ID → where its pending recipients go
  // Administrator requests for a message that was being delivered: applied when it ends.
  std::set<std::string> hold_after, delete_after;
  std::size_t connections = 0;
  Counters counters;
  // status: TLS outcomes per setting → "verified" / "encrypted" / "plaintext" / "failed:STAGE".
  std::map<std::string, std::map<std::string, std::uint64_t>> tls_tally;
  bool stopping = false;

  const policy::RelayConfig& config() const { return active->policy.config; }

  // The destination a concurrency limit counts: the recipient domain, or the hosts of its
  // SMTP route (every domain routed to one smarthost shares that smarthost's limit).
  static std::string destination_name(const RelayPolicy& pol, const std::string& domain) {
    const policy::SmtpRoute* route = pol.routes.lookup(domain);
    return route && !route->use_dns() ? "[" + policy::describe(*route) + "]" : domain;
  }

  // Where a message's pending recipients go, with each destination's connection limit.
  Destinations destinations(const RelayPolicy& pol, const std::vector<std::string>& recipients) const {
    Destinations out;
    for (const auto& r : recipients) {
      const std::string domain = domain_of(r);
      std::pair<std::string, std::uint32_t> d{destination_name(pol, domain), pol.destconfig.lookup(domain).max_connections};
      if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
    }
    return out;
  }

  // A message is worth starting when one of its destinations has a free slot; otherwise it
  // would wait inside a delivery and hold one of the relay's max_deliveries.
  bool startable(const std::string& id) const {
    const auto it = destinations_of.find(id);
    if (it == destinations_of.end()) return true;  // not read since a restart: find out
    return std::any_of(it->second.begin(), it->second.end(), [&](const auto& d) { return !slots.full(d.first, d.second); });
  }

  void set_next(const std::string& id, std::int64_t when) {
    auto [it, added] = schedule.try_emplace(id, when);
    if (!added) {
      by_time.erase({it->second, id});
      it->second = when;
    }
    by_time.insert({when, id});
  }

  void forget(const std::string& id) {
    if (const auto it = schedule.find(id); it != schedule.end()) {
      by_time.erase({it->second, id});
      schedule.erase(it);
    }
    destinations_of.erase(id);
  }

  void log(LogLevel level, const std::string& line) const {
    if (p.log) p.log(level, line);
  }

  bool debugging(std::string_view category) const { return debug_on.contains(category); }
  // At info level, so a category switched on shows whatever the log level.
  void debug(std::string_view category, const std::string& line) const {
    if (debugging(category)) log(LogLevel::kInfo, "debug " + std::string(category) + ": " + line);
  }

  void activate(RelayPolicy policy) {
    auto a = std::make_shared<Active>();
    a->policy = std::move(policy);
    a->session = {.helo_name = a->policy.config.hostname, .connections = parked.get(), .tls = &tls,
                  .trust = &a->policy.trust};
    active = std::move(a);
    debug_on = {active->policy.config.debug.begin(), active->policy.config.debug.end()};
    if (p.configured) p.configured(active->policy.config);
  }

// ---- inbound ----
  asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    while (!stopping) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        log(LogLevel::kWarning, "accept: " + ec.message());
        continue;
      }
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    ++connections;
    ++counters.connections;
    struct Leave {
      std::shared_ptr<bool> alive;
      std::size_t& n;
      ~Leave() {
        if (*alive) --n;
      }
    } leave{alive, connections};
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) co_return;
    const std::string ip = remote.address().is_v6() && remote.address().to_v6().is_v4_mapped()
                               ? asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).to_string()
                               : remote.address().to_string();
    InboundConnection conn(std::move(socket));
    const auto a = active;  // this session's limits and certificate, whatever a reload does meanwhile
    const policy::RelayConfig& cfg = a->policy.config;
    if (connections > cfg.max_connections) {
      (void)co_await conn.write("421 4.7.0 " + cfg.hostname + " Error: too many connections\r\n");
      co_await conn.close();
      co_return;
    }
    const auto addr = policy::IpAddress::parse(ip);
    bool relay = false;
    for (const auto& net : cfg.relay_networks) relay = relay || (addr && net.contains(*addr));
    InboundSession s({.hostname = cfg.hostname,
                      .limits = {.max_message_size = cfg.max_message_size, .max_recipients = cfg.max_recipients},
                      .starttls = a->policy.listener_tls != nullptr},
                     {.address = ip, .relay_allowed = relay});
    log(LogLevel::kInfo, "connect from [" + ip + "]" + (relay ? "" : " (not in relay networks)"));
    (void)co_await conn.write(s.greeting());

    std::string buffer;
    bool discarding = false;  // inside a line longer than the limit
    for (;;) {
      auto text = co_await conn.read(kIdleTimeout);
      if (!text) break;
      buffer += *text;
      std::string out;
      bool close = false, start_tls = false;
      std::size_t start = 0;
      for (std::size_t lf; !close && !start_tls && (lf = buffer.find('\n', start)) != std::string::npos; start = lf + 1) {
        std::string_view line(buffer.data() + start, lf - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const bool overlong = discarding || line.size() + 2 > kMaxTextLine;
        discarding = false;
        const bool command = !s.in_data();
        if (command && debugging("smtp")) debug("smtp", "[" + ip + "] < " + policy::escape_for_display(line.substr(0, 200)));
        auto step = s.on_line(overlong ? std::string_view() : line, overlong);
        if (step.message) step.reply += co_await commit(ip, *step.message, s);
        if (!step.reply.empty() && debugging("smtp")) {
          debug("smtp", "[" + ip + "] > " + step.reply.substr(0, step.reply.find_last_not_of("\r\n") + 1));
        }
        out += step.reply;
        close = step.close;
        start_tls = step.start_tls;
      }
      buffer.erase(0, start);
      if (buffer.size() > kMaxTextLine) {
        // No line end within the limit: the rest of this line is dropped, the line refused.
        discarding = true;
        buffer.clear();
      }
      if (!out.empty()) {
        auto written = co_await conn.write(out);  // not inside &&: g++ 12 (see process())
        if (!written) break;
      }
      if (close) break;
      if (start_tls) {
        if (!buffer.empty()) {
          // RFC 3207 §5 (and CVE-2011-0411): commands pipelined after STARTTLS came in clear
          // and must not run inside the TLS session.
          log(LogLevel::kWarning, "[" + ip + "]: " + std::to_string(buffer.size()) +
                                      " octets sent after STARTTLS before the handshake: discarded");
          buffer.clear();
        }
        if (auto t = co_await conn.start_tls(*a->policy.listener_tls, kHandshakeTimeout); !t) {
          log(LogLevel::kWarning, "[" + ip + "]: STARTTLS failed: " + t.error().message);
          break;
        }
        log(LogLevel::kInfo, "[" + ip + "]: STARTTLS: " + conn.tls_description());
        s.tls_started(conn.tls_description());
      }
    }
    co_await conn.close();
  }

  // The spool write and its fsyncs run on the commit pool, so sessions committing at the
  // same time have their fsyncs grouped by the file system's journal instead of queued behind
  // one another in this thread (DESIGN.md "The spool": grouped, never skipped). 250 still
  // waits for this message's own fsyncs.
  asio::awaitable<std::string> commit(const std::string& ip, const Envelope& message, InboundSession& s) {
    const auto received = std::chrono::system_clock::now();
    struct Committed {  // default-constructible, as co_spawn's result must be
      std::string id, error;
    };
    const Committed c = co_await asio::co_spawn(
        commit_pool,
        [this, &ip, &message, received]() -> asio::awaitable<Committed> {
          auto r = spool->commit("[" + ip + "]", message, received);
          co_return r ? Committed{.id = *r} : Committed{.error = r.error().message};
        },
        asio::use_awaitable);
    if (!*alive) co_return "";
    const Result<std::string> id = c.error.empty() ? Result<std::string>(c.id) : Result<std::string>(Error{c.error});
    if (!id) {
      log(LogLevel::kError, "spool: " + id.error().message);
      co_return s.committed(id);
    }
    ++counters.accepted;
    log(LogLevel::kInfo, *id + ": from=<" + message.from + ">, size=" + std::to_string(message.content.size()) +
                             ", nrcpt=" + std::to_string(message.recipients.size()) + " (queue active)");
    set_next(*id, 0);
    destinations_of[*id] = destinations(active->policy, message.recipients);
    tick.cancel();  // deliver now, not at the next tick
    co_return s.committed(id);
  }

  // ---- queue runner ----
  asio::awaitable<void> run_queue() {
    while (!stopping) {
      const std::int64_t now = unix_now();
      // Due IDs first, spawned after: a delivery may start inline and erase its own entry
      // (a message whose recipients were all done before a crash) while we iterate.
      std::vector<std::string> due;
      // Due messages in time order; a window bounds the look past messages that cannot start
      // yet (in flight, or every destination busy).
      std::size_t looked = 0;
      const std::size_t window = 16 * config().max_deliveries + 1024;
      for (auto it = by_time.begin(); it != by_time.end() && it->first <= now && looked < window; ++it, ++looked) {
        if (in_flight.size() + due.size() >= config().max_deliveries) break;
        if (!in_flight.contains(it->second) && startable(it->second)) due.push_back(it->second);
      }
      for (const auto& id : due) {
        debug("queue", id + ": delivery starts (" + std::to_string(in_flight.size() + 1) + " in flight)");
        in_flight.insert(id);
        asio::co_spawn(io, process(id), asio::detached);
      }
      tick.expires_after(kTick);
      boost::system::error_code ec;
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  void tally(const TlsOutcome& o) {
    auto& t = tls_tally[std::string(policy::to_string(o.setting))];
    ++t["connections"];
    const std::string summary = tls_summary(o);
    if (o.result == "sent" || o.result == "probed") {
      ++t[summary.starts_with("verified") ? "verified" : summary == "none" ? "plaintext" : "encrypted"];
    } else {
      ++t["failed:" + o.stage];
    }
  }

  void finish_recipient(const std::string& id, QueueState& st, const RecipientResult& r, const TlsOutcome* last) {
    std::string relay = "none";
    std::string tls_text = "none";
    if (last) {
      relay = last->host + "[" + last->ip + "]:" + std::to_string(last->port);
      tls_text = tls_summary(*last);
    }
    log(r.status == RecipientStatus::kSent ? LogLevel::kInfo : LogLevel::kWarning,
        id + ": to=<" + r.address + "> relay=" + relay + " tls=" + tls_text + " status=" + std::string(to_string(r.status)) +
            " (" + (r.status_code.empty() ? "" : r.status_code + " ") + r.reply + ")");
    if (r.status == RecipientStatus::kSent) ++counters.sent;
    if (r.status == RecipientStatus::kBounced) ++counters.bounced;
    if (r.status == RecipientStatus::kDeferred) ++counters.deferred;
    if (r.status != RecipientStatus::kDeferred) st.finished.push_back(r);
  }

  // The DSN is in the spool before the recipients it reports are marked done: a crash in
  // between sends it twice at worst, never not at all. False: keep the recipients queued.
  bool send_dsn(const QueuedMessage& msg, std::vector<DsnRecipient> failed) {
    const auto arrival = parse_rfc3339_utc(msg.received);
    auto dsn = make_dsn({.reporting_mta = config().hostname, .queue_id = msg.id,
                         .arrival = arrival ? *arrival : std::chrono::system_clock::now(),
                         .now = std::chrono::system_clock::now(), .sender = msg.envelope.from,
                         .original_content = msg.envelope.content, .recipients = std::move(failed)});
    if (!dsn) {
      log(LogLevel::kInfo, msg.id + ": no DSN: the sender is null (a bounce is never bounced)");
      return true;
    }
    auto id = spool->commit("localhost[sealpost-dsn]", *dsn, std::chrono::system_clock::now());
    if (!id) {
      log(LogLevel::kError, msg.id + ": DSN not queued, recipients stay queued: " + id.error().message);
      return false;
    }
    ++counters.dsn;
    log(LogLevel::kInfo, msg.id + ": sender non-delivery notification: " + *id);
    set_next(*id, 0);
    return true;
  }

  asio::awaitable<void> process(std::string id) {
    struct Done {
      std::shared_ptr<bool> alive;
      Impl& impl;
      std::string id;
      ~Done() {
        if (*alive) impl.end_delivery(id);
      }
    } done{alive, *this, id};
    const auto a = active;  // this attempt's configuration, whatever a reload does meanwhile
    const RelayPolicy& pol = a->policy;
    auto msg = spool->load(id);
    if (!msg) {
      log(LogLevel::kError, id + ": " + msg.error().message + "; moved to corrupt/");
      (void)spool->quarantine(id);
      forget(id);
      co_return;
    }
    QueueState st = spool->state(id);
    if (st.held) {
      forget(id);
      co_return;
    }
    std::map<std::string, std::vector<std::string>> by_domain;
    for (const auto& r : msg->envelope.recipients) {
      const bool finished = std::any_of(st.finished.begin(), st.finished.end(), [&](const auto& f) { return f.address == r; });
      if (!finished) by_domain[domain_of(r)].push_back(r);
    }
    std::vector<RecipientResult> deferred;
    std::vector<std::string> pending;
    for (const auto& [domain, rcpts] : by_domain) pending.insert(pending.end(), rcpts.begin(), rcpts.end());
    destinations_of[id] = destinations(pol, pending);
    for (const auto& [domain, all_rcpts] : by_domain) {
      const auto dest = pol.destconfig.lookup(domain);
      const policy::SmtpRoute* route = pol.routes.lookup(domain);
      const std::string destination = destination_name(pol, domain);
      // destconfig max_recipients_per_message: larger lists go as several transactions.
      for (std::size_t first = 0; first < all_rcpts.size(); first += dest.max_recipients_per_message) {
        if (stopping) co_return;
        const std::vector<std::string> rcpts(
            all_rcpts.begin() + static_cast<std::ptrdiff_t>(first),
            all_rcpts.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(all_rcpts.size(), first + dest.max_recipients_per_message)));
        co_await slots.acquire(destination, dest.max_connections);
        struct Slot {
          std::shared_ptr<bool> alive;
          DestinationSlots& slots;
          const std::string& destination;
          ~Slot() {
            if (*alive) slots.release(destination);
          }
        } slot{alive, slots, destination};
        if (stopping) co_return;
        Envelope env{.from = msg->envelope.from, .recipients = rcpts, .content = msg->envelope.content};
        // Built before the co_await: g++ 12 miscompiles a conditional expression inside the
        // operand of co_await (a null route pointer was dereferenced).
        DeliveryRequest request{.recipient_domain = domain, .setting = dest.tls, .destconfig_entry = dest.entry,
                                .mx_port = pol.config.smtp_port, .envelope = &env,
                                .max_messages_per_connection = dest.max_messages_per_connection};
        if (route) request.route = *route;
        OutcomeSink sink = [this, &id](const TlsOutcome& o) {
          tally(o);
          if (debugging("smtp")) debug("smtp", id + ": " + describe_smtp(o));
          if (debugging("tls") && o.starttls != "not-attempted") debug("tls", id + ": " + describe_tls(o));
          if (debugging("pki") && o.trace) debug("pki", id + ": " + describe_pki(o));
          if (!p.outcome) return;
          TlsOutcome record = o;
          record.queue_id = id;
          p.outcome(record);
        };
        auto result = co_await deliver(a->session, *resolver, std::move(request), std::move(sink));
        const TlsOutcome* last = result.attempts.empty() ? nullptr : &result.attempts.back().outcome;
        std::vector<DsnRecipient> failed;
        const std::size_t finished_before = st.finished.size();
        for (const auto& r : result.recipients) {
          finish_recipient(id, st, r, last);
          if (r.status == RecipientStatus::kDeferred) deferred.push_back(r);
          if (r.status == RecipientStatus::kBounced) {
            failed.push_back({.address = r.address, .status = r.status_code.empty() ? "5.0.0" : r.status_code,
                              .diagnostic = r.reply, .remote_mta = last && is_remote_reply(r.reply) ? last->host : ""});
          }
        }
        if (!failed.empty() && !send_dsn(*msg, std::move(failed))) {
          // Not marked done, so the next attempt bounces (and reports) them again.
          for (std::size_t i = finished_before; i < st.finished.size(); ++i) {
            if (st.finished[i].status != RecipientStatus::kBounced) continue;
            deferred.push_back({.address = st.finished[i].address, .status = RecipientStatus::kDeferred,
                                .status_code = "4.3.0", .reply = "DSN could not be queued"});
          }
          std::vector<RecipientResult> kept(st.finished.begin(), st.finished.begin() + static_cast<std::ptrdiff_t>(finished_before));
          for (std::size_t i = finished_before; i < st.finished.size(); ++i) {
            if (st.finished[i].status != RecipientStatus::kBounced) kept.push_back(st.finished[i]);
          }
          st.finished = std::move(kept);
        }
        // A recipient is done only once this is on disk (DESIGN.md "The spool"). When none is
        // left, removing the message (below) says so: no state file is written first.
        if (st.finished.size() < msg->envelope.recipients.size()) {
          if (auto s = spool->save_state(id, st); !s) log(LogLevel::kError, id + ": " + s.error().message);
        }
      }
    }
    if (deferred.empty()) {
      if (auto s = spool->remove(id); !s) log(LogLevel::kError, id + ": " + s.error().message);
      log(LogLevel::kInfo, id + ": removed");
      forget(id);
      co_return;
    }
    ++st.attempts;
    st.last_deferred = deferred;
    const auto received = parse_rfc3339_utc(msg->received);
    const std::int64_t age = received ? unix_now() - std::chrono::system_clock::to_time_t(*received) : 0;
    if (age >= static_cast<std::int64_t>(pol.config.lifetime_seconds)) {
      // TLS-POLICY.md §7: at expiry the last reason turns permanent (4.7.5 → 5.7.5).
      std::vector<DsnRecipient> expired;
      for (const auto& r : deferred) {
        RecipientResult final{.address = r.address, .status = RecipientStatus::kBounced,
                              .status_code = policy::permanent_status(r.status_code.empty() ? "4.4.7" : r.status_code),
                              .reply = "message expired after " + std::to_string(age) + " s in the queue: " + r.reply};
        finish_recipient(id, st, final, nullptr);
        expired.push_back({.address = r.address, .status = final.status_code, .diagnostic = r.reply, .expired = true});
      }
      if (send_dsn(*msg, std::move(expired))) {
        if (auto s = spool->remove(id); !s) log(LogLevel::kError, id + ": " + s.error().message);
        log(LogLevel::kInfo, id + ": removed");
        forget(id);
        co_return;
      }
    }
    const auto& retry = pol.config.retry_seconds;
    st.next_attempt = unix_now() + retry[std::min<std::size_t>(st.attempts - 1, retry.size() - 1)];
    if (auto s = spool->save_state(id, st); !s) log(LogLevel::kError, id + ": " + s.error().message);
    set_next(id, st.next_attempt);
    debug("queue", id + ": attempt " + std::to_string(st.attempts) + " left " + std::to_string(deferred.size()) +
                       " recipient(s) deferred; next attempt in " + std::to_string(st.next_attempt - unix_now()) + " s");
  }

  // ---- administration (control socket) ----
  void end_delivery(const std::string& id) {
    in_flight.erase(id);
    tick.cancel();  // a free delivery slot: start the next due message now, not at the tick
    if (delete_after.erase(id)) remove_message(id);
    if (hold_after.erase(id)) hold(id);
  }

  bool queued(const std::string& id) const { return spool->load(id).has_value(); }

  void remove_message(const std::string& id) {
    (void)spool->remove(id);
    forget(id);
    log(LogLevel::kInfo, id + ": removed by the administrator");
  }

  void hold(const std::string& id) {
    if (!queued(id)) return;  // delivered meanwhile
    QueueState st = spool->state(id);
    st.held = true;
    if (auto s = spool->save_state(id, st); !s) log(LogLevel::kError, id + ": " + s.error().message);
    forget(id);
    log(LogLevel::kInfo, id + ": held by the administrator");
  }

  ControlAnswer admin(const std::string& verb, const std::string& id) {
    if (!queued(id)) return {.exit_status = 1, .output = id + ": no such message in the queue\n"};
    const bool busy = in_flight.contains(id);
    if (verb == "delete") {
      if (busy) {
        delete_after.insert(id);
        return {.exit_status = 0, .output = id + ": being delivered; deleted when this attempt ends\n"};
      }
      remove_message(id);
      return {.exit_status = 0, .output = id + ": deleted\n"};
    }
    if (verb == "hold") {
      if (busy) {
        hold_after.insert(id);
        return {.exit_status = 0, .output = id + ": being delivered; held when this attempt ends\n"};
      }
      hold(id);
      return {.exit_status = 0, .output = id + ": held\n"};
    }
    QueueState st = spool->state(id);
    if (verb == "release") {
      hold_after.erase(id);
      if (!st.held) return {.exit_status = 1, .output = id + ": not held\n"};
      st.held = false;
      st.next_attempt = 0;
      if (auto s = spool->save_state(id, st); !s) return {.exit_status = 1, .output = s.error().message + "\n"};
      set_next(id, 0);
      tick.cancel();
      log(LogLevel::kInfo, id + ": released by the administrator");
      return {.exit_status = 0, .output = id + ": released\n"};
    }
    // flush ID
    if (st.held) return {.exit_status = 1, .output = id + ": held; release it to deliver it\n"};
    set_next(id, 0);
    tick.cancel();
    return {.exit_status = 0, .output = id + ": scheduled now\n"};
  }

  std::string status_json() const {
    nlohmann::json j;
    const std::size_t in_spool = spool->list().size();
    j["queue"] = {{"messages", in_spool}, {"scheduled", schedule.size()}, {"in_flight", in_flight.size()},
                  {"held_or_finishing", in_spool - std::min(in_spool, schedule.size())}};
    j["counters"] = {{"accepted", counters.accepted}, {"sent", counters.sent}, {"deferred", counters.deferred},
                     {"bounced", counters.bounced}, {"dsn", counters.dsn}, {"inbound_connections", counters.connections},
                     {"inbound_open", connections}};
    j["tls"] = nlohmann::json::object();
    for (const auto& [setting, counts] : tls_tally) j["tls"][setting] = counts;
    const auto& d = resolver->stats();
    j["dns"] = {{"queries", d.queries}, {"cache_hits", d.cache_hits}, {"collapsed", d.collapsed}};
    const auto& c = parked->stats();
    j["connection_cache"] = {{"parked_now", parked->size()}, {"parked", c.parked}, {"reused", c.reused}, {"expired", c.expired}};
    return j.dump(2) + "\n";
  }

  std::string status_text() const {
    const auto j = nlohmann::json::parse(status_json());
    std::string out;
    const auto line = [&](const std::string& title, const nlohmann::json& obj) {
      out += title + ":";
      for (const auto& [k, v] : obj.items()) out += " " + k + "=" + v.dump();
      out += "\n";
    };
    line("queue", j["queue"]);
    line("counters", j["counters"]);
    line("dns", j["dns"]);
    line("connection cache", j["connection_cache"]);
    for (const auto& [setting, counts] : j["tls"].items()) line("tls " + setting, counts);
    return out;
  }
};

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Relay::~Relay() = default;

Result<std::unique_ptr<Relay>> Relay::create(asio::io_context& io, RelayParts parts) {
  if (!parts.dns) return Error{"relay: no DNS transport"};
  auto impl = std::make_unique<Impl>(io, std::move(parts));
  impl->activate(std::move(impl->p.policy));
  auto spool = Spool::open(impl->config().spool_directory);
  if (!spool) return spool.error();
  impl->spool = std::move(*spool);
  // One daemon per spool: two would deliver the same messages twice.
  auto lock = SpoolLock::acquire(impl->spool->directory());
  if (!lock) return Error{lock.error().message + ": another sealpostd uses this spool"};
  impl->lock.emplace(std::move(*lock));
  Impl* m = impl.get();
  impl->dns_log = std::make_unique<LoggingTransport>(*impl->p.dns, [alive = impl->alive, m](const std::string& line) {
    if (*alive) m->debug("dns", line);
  });
  impl->resolver = std::make_unique<dns::Resolver>(*impl->dns_log);
  return std::unique_ptr<Relay>(new Relay(std::move(impl)));
}

Status Relay::start() {
  Impl& m = *impl_;
  for (const auto& l : m.config().listen) {
    boost::system::error_code ec;
    const tcp::endpoint ep(asio::ip::make_address(l.address, ec), l.port);
    auto acceptor = std::make_unique<tcp::acceptor>(m.io);
    if (!ec) acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{"listen " + l.address + ":" + std::to_string(l.port) + ": " + ec.message()};
    m.acceptors.push_back(std::move(acceptor));
  }
  auto control = ControlSocket::listen(m.io, control_socket_path(m.config()),
                                       [this](const std::string& request) { return this->control(request); });
  if (!control) return control.error();
  m.control_socket = std::move(*control);
  for (const auto& a : m.acceptors) asio::co_spawn(m.io, m.accept_loop(*a), asio::detached);
  // Mail that was queued before a restart resumes where its state file left it.
  std::size_t resumed = 0, held = 0;
  for (const auto& id : m.spool->list()) {
    const QueueState st = m.spool->state(id);
    if (st.held) {
      ++held;
      continue;
    }
    m.set_next(id, st.next_attempt);
    ++resumed;
  }
  m.log(LogLevel::kInfo, "sealpostd started: " + std::to_string(m.acceptors.size()) + " listener(s), " +
                             std::to_string(resumed) + " message(s) in the queue, " + std::to_string(held) + " held");
  asio::co_spawn(m.io, m.run_queue(), asio::detached);
  return ok();
}

void Relay::stop() {
  Impl& m = *impl_;
  m.stopping = true;
  for (auto& a : m.acceptors) {
    boost::system::error_code ec;
    a->close(ec);
  }
  if (m.control_socket) m.control_socket->close();
  m.parked->close_all();
  m.tick.cancel();
}

Status Relay::reload() {
  Impl& m = *impl_;
  auto next = load_relay_policy(m.p.etc);
  if (!next) {
    m.log(LogLevel::kError, "reload refused, the running configuration stays: " + next.error().message);
    return next.error();
  }
  const auto& old = m.config();
  std::vector<std::string> restart_only;
  if (next->config.spool_directory != old.spool_directory) restart_only.push_back("spool directory");
  if (next->config.dns_servers != old.dns_servers) restart_only.push_back("DNS servers");
  if (next->config.log_file != old.log_file || next->config.outcome_log != old.outcome_log) restart_only.push_back("log files");
  bool same_listen = next->config.listen.size() == old.listen.size();
  for (std::size_t i = 0; same_listen && i < old.listen.size(); ++i) {
    same_listen = next->config.listen[i].address == old.listen[i].address && next->config.listen[i].port == old.listen[i].port;
  }
  if (!same_listen) restart_only.push_back("listeners");
  for (const auto& what : restart_only) m.log(LogLevel::kWarning, "reload: " + what + " change only on restart");
  const std::string summary = std::to_string(next->destconfig.entries().size()) + " destconfig entries, " +
                              std::to_string(next->routes.entries().size()) + " SMTP routes, " +
                              std::to_string(next->trust.trustpoints().size()) + " trustpoints";
  m.activate(std::move(*next));
  // A parked connection was verified with the old trust store and destconfig.
  m.parked->close_all();
  // Queued mail meets the new policy at its next attempt (flush to make that now).
  m.log(LogLevel::kInfo, "reload: configuration from " + m.p.etc.string() + " in effect (" + summary + ")");
  return ok();
}

ControlAnswer Relay::control(const std::string& request) {
  Impl& m = *impl_;
  std::vector<std::string> words;
  for (std::size_t pos = 0; pos < request.size();) {
    const auto end = std::min(request.find(' ', pos), request.size());
    if (end > pos) words.push_back(request.substr(pos, end - pos));
    pos = end + 1;
  }
  const auto bad = ControlAnswer{.exit_status = 2, .output = "unknown request '" + policy::escape_for_display(request) + "'\n"};
  if (words.empty()) return bad;
  const std::string& verb = words[0];
  if (verb == "status" && words.size() <= 2) {
    return {.exit_status = 0, .output = words.size() == 2 && words[1] == "--json" ? m.status_json() : m.status_text()};
  }
  if (verb == "reload" && words.size() == 1) {
    auto s = reload();
    return s ? ControlAnswer{.exit_status = 0, .output = "configuration reloaded\n"}
             : ControlAnswer{.exit_status = 1, .output = "reload refused, the running configuration stays: " + s.error().message + "\n"};
  }
  if (verb == "debug" && words.size() == 1) {
    std::string out;
    for (const std::string_view c : {"dns", "smtp", "tls", "pki", "queue"}) {
      out += std::string(c) + (m.debugging(c) ? " on\n" : " off\n");
    }
    return {.exit_status = 0, .output = out};
  }
  if (verb == "debug" && words.size() == 3 && (words[2] == "on" || words[2] == "off")) {
    if (!policy::is_debug_category(words[1])) {
      return {.exit_status = 2, .output = "'" + policy::escape_for_display(words[1]) + "' is not one of " +
                                          std::string(policy::kDebugCategories) + "\n"};
    }
    if (words[2] == "on") m.debug_on.insert(words[1]);
    else m.debug_on.erase(words[1]);
    m.log(LogLevel::kInfo, "debug " + words[1] + " " + words[2] + " (until the next reload)");
    return {.exit_status = 0, .output = "debug " + words[1] + " " + words[2] + "\n"};
  }
  if (verb == "flush" && words.size() == 1) {
    std::vector<std::string> all;
    for (const auto& [id, next] : m.schedule) all.push_back(id);
    for (const auto& id : all) m.set_next(id, 0);
    m.tick.cancel();
    return {.exit_status = 0, .output = std::to_string(m.schedule.size()) + " message(s) scheduled now\n"};
  }
  if ((verb == "flush" || verb == "hold" || verb == "release" || verb == "delete") && words.size() == 2) {
    if (!valid_queue_id(words[1])) return {.exit_status = 2, .output = "'" + policy::escape_for_display(words[1]) + "' is not a queue ID\n"};
    return m.admin(verb, words[1]);
  }
  return bad;
}

const Relay::Counters& Relay::counters() const { return impl_->counters; }

}  // namespace sealpost::mta
