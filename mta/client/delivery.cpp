// Delivery to one destination (see delivery.h).
#include "mta/client/delivery.h"

#include "dns/mx_lookup.h"
#include "dns/ptr_lookup.h"
#include "mta/client/await_lookup.h"
#include "mta/client/host_dane.h"
#include "mta/smtp/status_code.h"

namespace sealpost::mta {

namespace asio = boost::asio;
namespace {

struct Addresses {
  std::vector<policy::IpAddress> ips;
  std::string problem;
};

asio::awaitable<Addresses> resolve_host(dns::Resolver& resolver, const std::string& host) {
  struct Answer {
    std::vector<policy::IpAddress> ips;
    dns::LookupStatus status;
    std::string reason;
  };
  auto a = co_await await_lookup<Answer>([&](auto done) {
    dns::lookup_addresses(resolver, host, [done](std::vector<policy::IpAddress> ips, dns::LookupStatus s, bool, std::string why) {
      done(Answer{std::move(ips), s, std::move(why)});
    });
  });
  co_return Addresses{.ips = std::move(a.ips), .problem = a.ips.empty() ? (a.reason.empty() ? "no address" : a.reason) : ""};
}

// One host to try, with everything a session needs about it.
struct Candidate {
  HostTarget target;
  std::vector<policy::IpAddress> addresses;
  std::string problem;           // why it has no usable address
  std::optional<HostDane> dane;  // looked up when the host is first tried
};

void fill_all(std::vector<RecipientResult>& out, const Envelope* env, RecipientStatus status, std::string code,
              const std::string& reason) {
  if (!env) return;
  // A deferral carries a class-4 code even when the last host's refusal was 5xx (e.g. a 535
  // to AUTH: the operator may fix the password; Postfix's smtp_sasl_auth_soft_bounce).
  if (status == RecipientStatus::kDeferred) code = as_transient(code);
  out.clear();
  for (const auto& a : env->recipients) out.push_back({.address = a, .status = status, .status_code = code, .reply = reason});
}

// The host's MTA-STS trace: none without a policy or through a route naming its hosts; not
// evaluated where usable DANE decides (RFC 8461 §2); otherwise the mx pattern check.
std::optional<policy::StsTrace> sts_trace(const DeliveryRequest& req, const Candidate& c) {
  if (!req.sts || (req.route && !req.route->use_dns())) return std::nullopt;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  auto t = policy::start_sts_trace(*req.sts, c.target.host, now);
  if (c.dane && c.dane->state == policy::DaneState::kUsable) {
    t.enforced = false;
    t.dane_decides = true;
    t.result = policy::StsResult::kNotEvaluated;
    t.reason = "usable TLSA records decide for this host (RFC 8461 §2)";
  }
  return t;
}

// Everything a parked connection is verified and authenticated for (connection_cache.h).
// The recipient domain is part of it only where the domain's reference identities decide
// whether the connection may carry mail: a verifying setting, usable DANE, an MTA-STS
// policy. Under `no`, `preferred` and `required` the connection is what any domain routed
// to that host, address and port with that setting would get, so it carries mail for all of
// them (Postfix's reuse by server address); the session logs the certificate against each
// message's own domain (session_outcome.h, take_parked_outcome).
std::string reuse_key(const DeliveryRequest& req, const Candidate& c, const policy::IpAddress& ip,
                      const std::optional<policy::StsTrace>& sts, bool by_route) {
  const bool any_domain = !policy::verifies_certificate(req.setting) && c.dane->state != policy::DaneState::kUsable && !sts;
  return (any_domain ? std::string("*") : req.recipient_domain) + "|" + std::string(policy::to_string(req.setting)) + "|" +
         c.target.host + "|" + ip.to_string() + "|" + std::to_string(c.target.port) + "|" +
         (c.target.implicit_tls ? "implicit" : "starttls") + "|" + (c.target.credentials ? c.target.credentials->user : "") +
         "|" + (by_route ? "route" : "mx") + "|dane=" + std::string(policy::to_string(c.dane->state)) +
         "|sts=" + (sts ? std::string(sts->enforced ? "enforce:" : "testing:") + sts->id : std::string("none"));
}

}  // namespace

asio::awaitable<DeliveryResult> deliver(const SessionContext& context, dns::Resolver& resolver, DeliveryRequest req,
                                        OutcomeSink sink) {
  DeliveryResult result;
  std::vector<Candidate> candidates;
  policy::DeliveryFacts base{.recipient_domain = req.recipient_domain};
  // Rule 4: route host names are secure a priori (their A/AAAA must still be); an MX host is
  // as secure as the MX RRset that named it.
  bool mx_secure = true;

  if (req.route && !req.route->use_dns()) {
    base.route_hosts = req.route->hosts();
    for (const auto& d : req.route->destinations) {
      Candidate c{.target = {.host = d.host,
                             .port = req.route->port_for(d),
                             .implicit_tls = req.route->implicit_tls_for(d),
                             .credentials = d.credentials}};
      if (d.ip) {
        c.addresses.push_back(*d.ip);
      } else {
        auto a = co_await resolve_host(resolver, d.host);
        c.addresses = std::move(a.ips);
        c.problem = std::move(a.problem);
      }
      candidates.push_back(std::move(c));
    }
  } else {
    auto mx = co_await await_lookup<dns::MxResult>([&](auto done) { dns::lookup_mx(resolver, req.recipient_domain, done); });
    switch (mx.status) {
      case dns::MxStatus::kNullMx:
        // RFC 7505 §4.2: "556 5.1.10" — the domain accepts no mail.
        result.reason = "domain " + req.recipient_domain + " accepts no mail (null MX, RFC 7505)";
        fill_all(result.recipients, req.envelope, RecipientStatus::kBounced, "5.1.10", result.reason);
        co_return result;
      case dns::MxStatus::kNotFound:
        result.reason = "no mail host for " + req.recipient_domain + ": " + mx.reason;
        fill_all(result.recipients, req.envelope, RecipientStatus::kBounced, "5.1.2", result.reason);
        co_return result;
      case dns::MxStatus::kTemporaryFailure:
        result.reason = "DNS lookup of " + req.recipient_domain + " failed: " + mx.reason;
        fill_all(result.recipients, req.envelope, RecipientStatus::kDeferred, "4.4.3", result.reason);
        co_return result;
      case dns::MxStatus::kFound: break;
    }
    mx_secure = mx.authenticated;
    for (const auto& h : mx.hosts) {
      candidates.push_back({.target = {.host = h.name, .port = req.mx_port}, .addresses = h.addresses, .problem = h.problem});
    }
  }

  // Every (host, address) pair, in order, bounded.
  struct Attempt {
    Candidate* candidate;
    policy::IpAddress ip;
  };
  std::vector<Attempt> plan;
  std::string last_problem;
  for (auto& c : candidates) {
    if (c.addresses.empty()) last_problem = c.target.host + ": " + c.problem;
    for (std::size_t i = 0; i < c.addresses.size() && i < kMaxAddressesPerHost; ++i) {
      if (plan.size() < kMaxConnectionAttempts) plan.push_back({&c, c.addresses[i]});
    }
  }
  if (plan.empty()) {
    result.reason = "no usable mail host for " + req.recipient_domain + (last_problem.empty() ? "" : ": " + last_problem);
    fill_all(result.recipients, req.envelope, RecipientStatus::kDeferred, "4.4.4", result.reason);
    co_return result;
  }

  std::string last_status = "4.4.1", last_reason;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Candidate* candidate = plan[i].candidate;
    const policy::IpAddress& ip = plan[i].ip;
    if (!candidate->dane) {
      const policy::DaneFacts facts{.setting = req.setting,
                                    .mode = req.dane,
                                    .insecure_mx = req.dane_insecure_mx,
                                    .dnssec_trusted = req.dnssec_trusted,
                                    .mx_secure = mx_secure};
      candidate->dane = co_await await_lookup<HostDane>(
          [&](auto done) { lookup_host_dane(resolver, candidate->target.host, candidate->target.port, facts, done); });
    }
    if (candidate->addresses.empty()) continue;  // DANE or MTA-STS refused this host at its first address
    const auto sts = sts_trace(req, *candidate);
    // tempfail and dane-required refuse the host before it is connected to (the session
    // decides, at stage tlsa-lookup), as an enforced MTA-STS policy whose patterns leave it out
    // does (stage sts-mx): no PTR lookup for it, and its other addresses are not tried, so
    // "more hosts" counts other hosts only.
    const bool refused = candidate->dane->state == policy::DaneState::kTempfail ||
                         candidate->dane->state == policy::DaneState::kRequired || (sts && sts->enforced && !sts->mx_matched);
    const bool more = refused ? std::any_of(plan.begin() + static_cast<std::ptrdiff_t>(i), plan.end(),
                                            [&](const Attempt& a) { return a.candidate != candidate; })
                              : i + 1 < plan.size();
    SessionRequest sr{.target = candidate->target,
                      .setting = req.setting,
                      .facts = base,
                      .in_clear = false,
                      .more_hosts = more || !req.envelope,
                      .envelope = req.envelope};
    // PTR names are REF-ID evidence: looked up only where a certificate can be met.
    if (!refused && (policy::sends_starttls(req.setting) || candidate->target.implicit_tls)) {
      sr.ptr = (co_await await_lookup<dns::PtrResult>([&](auto done) { dns::lookup_ptr(resolver, ip, done); })).names;
    }
    // By MX unless the route names hosts: a `USEDNS` route is an MX delivery (§9).
    if (!sr.facts.by_route()) sr.facts.mx_host = candidate->target.host;
    sr.reuse_key = reuse_key(req, *candidate, ip, sts, sr.facts.by_route());
    sr.max_messages = req.max_messages_per_connection;
    sr.dane = *candidate->dane;
    sr.sts = sts;
    boost::system::error_code ec;
    sr.target.address = asio::ip::make_address(ip.to_string(), ec);
    if (ec) continue;
    // Every connection attempt: its record to the sink, its result to the list.
    const auto record = [&](SessionResult session) {
      session.outcome.destconfig_entry = req.destconfig_entry;
      session.outcome.tlsrpt_rua = req.tlsrpt_rua;
      if (sink) sink(session.outcome);
      result.attempts.push_back(std::move(session));
      return result.attempts.back().verdict;
    };
    HostVerdict verdict = record(co_await run_session(context, sr));
    if (verdict == HostVerdict::kRetryInClear && req.envelope) {
      // TLS-POLICY.md §7: once, in clear, on a new connection, logged as fallback=plaintext.
      sr.in_clear = true;
      verdict = record(co_await run_session(context, sr));
    }
    if (refused) candidate->addresses.clear();
    const SessionResult& last = result.attempts.back();
    if (verdict == HostVerdict::kDone && req.envelope) {
      result.recipients = last.recipients;
      co_return result;
    }
    last_status = last.status.empty() ? last_status : last.status;
    last_reason = last.reason;
    if (verdict == HostVerdict::kDefer) break;
  }
  if (req.envelope) {
    result.reason = last_reason;
    fill_all(result.recipients, req.envelope, RecipientStatus::kDeferred, last_status, last_reason);
  }
  co_return result;
}

}  // namespace sealpost::mta
