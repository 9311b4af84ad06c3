// See sts_policies.h.
#include "mta/queue/sts_policies.h"

#include <chrono>
#include <functional>

namespace sealpost::mta {

namespace asio = boost::asio;
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

asio::awaitable<StsDiscovery> StsPolicies::discover(const SessionContext& ctx, dns::Resolver& resolver, const std::string& domain,
                                                    bool refresh, StsFetchSettings fetch) {
  // One discovery per domain at a time: the others wait for it and then read what it stored.
  while (busy_.contains(domain)) {
    const auto timer = busy_[domain];
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  const auto timer =
      std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, TlsConnection::Clock::time_point::max());
  busy_[domain] = timer;
  struct Release {
    StsPolicies& self;
    const std::string& domain;
    ~Release() {
      if (auto it = self.busy_.find(domain); it != self.busy_.end()) {
        it->second->cancel();
        self.busy_.erase(it);
      }
    }
  } release{*this, domain};

  auto cached = store_.load(domain);
  if (!cached) (*log_)(LogLevel::kWarning, "mta-sts: " + domain + ": " + cached.error().message + "; refetching");
  StsDiscoveryRequest request{.domain = domain,
                              .cached = cached ? *cached : std::nullopt,
                              .now = unix_now(),
                              .force_fetch = refresh,
                              .fetch_always = false,
                              .never_fetch = false,
                              .port = fetch.port,
                              .timeout = fetch.timeout};
  StsDiscovery d = co_await discover_sts(ctx, resolver, std::move(request));
  if (d.txt.answer == policy::StsTxtAnswer::kDnsError) ++counters_.dns_errors;
  if (d.plan.action == policy::StsAction::kFetch) {
    const bool ok = d.fetched_ok();
    ++(ok ? (refresh ? counters_.refreshed : counters_.fetched)
          : (refresh ? counters_.refresh_failures : counters_.fetch_failures));
    if (ok) {
      log_->debug("tls", "mta-sts: " + domain + ": " + (refresh ? "refreshed" : "fetched") + " policy id " + d.txt.id);
    } else {
      // RFC 8461 §5.1: administrators are told of failed refreshes, unless the policy is `none`.
      const auto kept = d.applies ? policy::parse_sts_policy(d.applies->policy) : Result<policy::StsPolicy>(Error{""});
      const bool quiet = kept && kept->mode == policy::StsMode::kNone;
      (*log_)(quiet ? LogLevel::kInfo : LogLevel::kWarning,
              "mta-sts: " + domain + ": " + d.failure_type + ": " + d.failure +
                  (d.applies ? "; the cached policy (id " + d.applies->id + ") stays in force until it expires" : ""));
    }
  }
  if (d.store) {
    if (auto s = store_.save(domain, *d.store); !s) (*log_)(LogLevel::kError, "mta-sts: " + domain + ": " + s.error().message);
  }
  co_return d;
}

asio::awaitable<std::optional<policy::StsInForce>> StsPolicies::for_delivery(const SessionContext& ctx, dns::Resolver& resolver,
                                                                             std::string domain, policy::StsSetting setting,
                                                                             StsFetchSettings fetch) {
  if (setting == policy::StsSetting::kOff || policy::IpAddress::parse(domain)) co_return std::nullopt;
  const StsDiscovery d = co_await discover(ctx, resolver, domain, /*refresh=*/false, fetch);
  co_return sts_in_force(d, setting);
}

asio::awaitable<void> StsPolicies::refresh_due(const SessionContext& ctx, dns::Resolver& resolver, StsFetchSettings fetch) {
  const std::int64_t now = unix_now();
  for (const auto& [domain, entry] : store_.list()) {
    // Jitter per domain (up to an hour), so that policies cached together are not refetched together.
    const auto jitter = static_cast<std::int64_t>(std::hash<std::string>{}(domain) % 3600);
    // An entry that expired within the last day is refetched too (the next delivery finds it
    // warm); older ones wait for a delivery, so that a domain no longer written to is let go.
    const std::int64_t expiry = entry ? entry->fetched_at + static_cast<std::int64_t>(entry->max_age) : 0;
    if (!entry || now > expiry + policy::kStsRefreshEvery || !policy::sts_refresh_due(*entry, now, jitter)) continue;
    (void)co_await discover(ctx, resolver, domain, /*refresh=*/true, fetch);
  }
}

}  // namespace sealpost::mta
