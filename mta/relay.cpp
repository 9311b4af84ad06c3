// See relay.h. Listener: one coroutine per client, lines split here, protocol in
// InboundSession. Queue runner: a one-second tick (and a wake-up on every new message) starts
// a delivery coroutine for each due message, at most max_deliveries at once.
#include "mta/relay.h"

#include <map>
#include <set>

#include "mta/delivery.h"
#include "mta/inbound_session.h"
#include "mta/time_format.h"
#include "policy/stage_decision.h"

namespace sealpost::mta {
namespace {

using tcp = asio::ip::tcp;
constexpr auto kIdleTimeout = std::chrono::minutes(5);  // RFC 5321 §4.5.3.2.7
constexpr auto kTick = std::chrono::seconds(1);

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string domain_of(const std::string& address) { return address.substr(address.rfind('@') + 1); }

}  // namespace

struct Relay::Impl {
  Impl(asio::io_context& io_context, RelayParts parts_in)
      : io(io_context), p(std::move(parts_in)), tick(io_context) {}

  asio::io_context& io;
  RelayParts p;
  std::optional<Spool> spool;
  std::unique_ptr<dns::Resolver> resolver;
  tls::TlsClientContext tls;
  SessionContext session;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  asio::steady_timer tick;
  std::map<std::string, std::int64_t> schedule;  // queue ID → next attempt (Unix seconds)
  std::set<std::string> in_flight;
  std::size_t connections = 0;
  Counters counters;
  bool stopping = false;

  void log(LogLevel level, const std::string& line) const {
    if (p.log) p.log(level, line);
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

  asio::awaitable<void> write_all(tcp::socket& socket, const std::string& data) {
    boost::system::error_code ec;
    co_await asio::async_write(socket, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    ++connections;
    ++counters.connections;
    struct Leave {
      std::size_t& n;
      ~Leave() { --n; }
    } leave{connections};
    boost::system::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    if (ec) co_return;
    const std::string ip = remote.address().is_v6() && remote.address().to_v6().is_v4_mapped()
                               ? asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).to_string()
                               : remote.address().to_string();
    if (connections > p.config.max_connections) {
      co_await write_all(socket, "421 4.7.0 " + p.config.hostname + " Error: too many connections\r\n");
      co_return;
    }
    const auto addr = policy::IpAddress::parse(ip);
    bool relay = false;
    for (const auto& net : p.config.relay_networks) relay = relay || (addr && net.contains(*addr));
    InboundSession s({.hostname = p.config.hostname,
                      .limits = {.max_message_size = p.config.max_message_size, .max_recipients = p.config.max_recipients}},
                     {.address = ip, .relay_allowed = relay});
    log(LogLevel::kInfo, "connect from [" + ip + "]" + (relay ? "" : " (not in relay networks)"));
    co_await write_all(socket, s.greeting());

    asio::steady_timer idle(io);
    std::string buffer;
    bool discarding = false;  // inside a line longer than the limit
    std::array<char, 16384> chunk{};
    for (;;) {
      idle.expires_after(kIdleTimeout);
      idle.async_wait([&socket](const boost::system::error_code& e) {
        if (!e) socket.close();
      });
      const std::size_t n = co_await socket.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
      idle.cancel();
      if (ec) break;
      buffer.append(chunk.data(), n);
      std::string out;
      bool close = false;
      std::size_t start = 0;
      for (std::size_t lf; !close && (lf = buffer.find('\n', start)) != std::string::npos; start = lf + 1) {
        std::string_view line(buffer.data() + start, lf - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const bool overlong = discarding || line.size() + 2 > kMaxTextLine;
        discarding = false;
        auto step = s.on_line(overlong ? std::string_view() : line, overlong);
        out += step.reply;
        if (step.message) out += commit(ip, *step.message, s);
        close = step.close;
      }
      buffer.erase(0, start);
      if (buffer.size() > kMaxTextLine) {
        // No line end within the limit: the rest of this line is dropped, the line refused.
        discarding = true;
        buffer.clear();
      }
      if (!out.empty()) co_await write_all(socket, out);
      if (close) break;
    }
    socket.close(ec);
  }

  std::string commit(const std::string& ip, const Envelope& message, InboundSession& s) {
    auto id = spool->commit("[" + ip + "]", message, std::chrono::system_clock::now());
    if (!id) {
      log(LogLevel::kError, "spool: " + id.error().message);
      return s.committed(id);
    }
    ++counters.accepted;
    log(LogLevel::kInfo, *id + ": from=<" + message.from + ">, size=" + std::to_string(message.content.size()) +
                             ", nrcpt=" + std::to_string(message.recipients.size()) + " (queue active)");
    schedule[*id] = 0;
    tick.cancel();  // deliver now, not at the next tick
    return s.committed(id);
  }

  // ---- queue runner ----
  asio::awaitable<void> run_queue() {
    while (!stopping) {
      const std::int64_t now = unix_now();
      // Due IDs first, spawned after: a delivery may start inline and erase its own entry
      // (a message whose recipients were all done before a crash) while we iterate.
      std::vector<std::string> due;
      for (const auto& [id, next] : schedule) {
        if (in_flight.size() + due.size() >= p.config.max_deliveries) break;
        if (next <= now && !in_flight.contains(id)) due.push_back(id);
      }
      for (const auto& id : due) {
        in_flight.insert(id);
        asio::co_spawn(io, process(id), asio::detached);
      }
      tick.expires_after(kTick);
      boost::system::error_code ec;
      co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
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

  asio::awaitable<void> process(std::string id) {
    struct Done {
      Impl& impl;
      std::string id;
      ~Done() { impl.in_flight.erase(id); }
    } done{*this, id};
    auto msg = spool->load(id);
    if (!msg) {
      log(LogLevel::kError, id + ": " + msg.error().message + "; moved to corrupt/");
      (void)spool->quarantine(id);
      schedule.erase(id);
      co_return;
    }
    QueueState st = spool->state(id);
    if (st.held) {
      schedule.erase(id);
      co_return;
    }
    std::map<std::string, std::vector<std::string>> by_domain;
    for (const auto& r : msg->envelope.recipients) {
      const bool finished = std::any_of(st.finished.begin(), st.finished.end(), [&](const auto& f) { return f.address == r; });
      if (!finished) by_domain[domain_of(r)].push_back(r);
    }
    std::vector<RecipientResult> deferred;
    for (const auto& [domain, rcpts] : by_domain) {
      if (stopping) co_return;
      const auto dest = p.destconfig.lookup(domain);
      const policy::SmtpRoute* route = p.routes.lookup(domain);
      Envelope env{.from = msg->envelope.from, .recipients = rcpts, .content = msg->envelope.content};
      // Built before the co_await: g++ 12 miscompiles a conditional expression inside the
      // operand of co_await (a null route pointer was dereferenced).
      DeliveryRequest request{.recipient_domain = domain, .setting = dest.tls, .destconfig_entry = dest.entry,
                              .mx_port = p.config.smtp_port, .envelope = &env};
      if (route) request.route = *route;
      OutcomeSink sink = [this, &id](const TlsOutcome& o) {
        if (!p.outcome) return;
        TlsOutcome record = o;
        record.queue_id = id;
        p.outcome(record);
      };
      auto result = co_await deliver(session, *resolver, std::move(request), std::move(sink));
      const TlsOutcome* last = result.attempts.empty() ? nullptr : &result.attempts.back().outcome;
      for (const auto& r : result.recipients) {
        finish_recipient(id, st, r, last);
        if (r.status == RecipientStatus::kDeferred) deferred.push_back(r);
      }
      // A recipient is done only once this is on disk (DESIGN.md "The spool").
      if (auto s = spool->save_state(id, st); !s) log(LogLevel::kError, id + ": " + s.error().message);
    }
    if (deferred.empty()) {
      if (auto s = spool->remove(id); !s) log(LogLevel::kError, id + ": " + s.error().message);
      log(LogLevel::kInfo, id + ": removed");
      schedule.erase(id);
      co_return;
    }
    ++st.attempts;
    const auto received = parse_rfc3339_utc(msg->received);
    const std::int64_t age = received ? unix_now() - std::chrono::system_clock::to_time_t(*received) : 0;
    if (age >= static_cast<std::int64_t>(p.config.lifetime_seconds)) {
      // TLS-POLICY.md §7: at expiry the last reason turns permanent (4.7.5 → 5.7.5).
      for (const auto& r : deferred) {
        finish_recipient(id, st,
                         {.address = r.address, .status = RecipientStatus::kBounced,
                          .status_code = policy::permanent_status(r.status_code.empty() ? "4.4.7" : r.status_code),
                          .reply = "message expired after " + std::to_string(age / 3600) + " h in the queue: " + r.reply},
                         nullptr);
      }
      (void)spool->remove(id);
      schedule.erase(id);
      co_return;
    }
    const auto& retry = p.config.retry_seconds;
    st.next_attempt = unix_now() + retry[std::min<std::size_t>(st.attempts - 1, retry.size() - 1)];
    if (auto s = spool->save_state(id, st); !s) log(LogLevel::kError, id + ": " + s.error().message);
    schedule[id] = st.next_attempt;
  }
};

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Relay::~Relay() = default;

Result<std::unique_ptr<Relay>> Relay::create(asio::io_context& io, RelayParts parts) {
  if (!parts.dns) return Error{"relay: no DNS transport"};
  auto impl = std::make_unique<Impl>(io, std::move(parts));
  auto spool = Spool::open(impl->p.config.spool_directory);
  if (!spool) return spool.error();
  impl->spool = std::move(*spool);
  impl->resolver = std::make_unique<dns::Resolver>(*impl->p.dns);
  impl->session = {.helo_name = impl->p.config.hostname, .tls = &impl->tls, .trust = &impl->p.trust};
  return std::unique_ptr<Relay>(new Relay(std::move(impl)));
}

Status Relay::start() {
  Impl& m = *impl_;
  for (const auto& l : m.p.config.listen) {
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
  for (const auto& a : m.acceptors) asio::co_spawn(m.io, m.accept_loop(*a), asio::detached);
  // Mail that was queued before a restart resumes where its state file left it.
  std::size_t resumed = 0;
  for (const auto& id : m.spool->list()) {
    m.schedule[id] = m.spool->state(id).next_attempt;
    ++resumed;
  }
  m.log(LogLevel::kInfo, "sealpostd started: " + std::to_string(m.acceptors.size()) + " listener(s), " +
                             std::to_string(resumed) + " message(s) in the queue");
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
  m.tick.cancel();
}

const Relay::Counters& Relay::counters() const { return impl_->counters; }

}  // namespace sealpost::mta
