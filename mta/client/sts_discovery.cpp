// MTA-STS discovery (see sts_discovery.h).
#include "mta/client/sts_discovery.h"

#include "dns/mx_lookup.h"
#include "mta/client/await_lookup.h"

namespace sealpost::mta {

namespace asio = boost::asio;

asio::awaitable<StsDiscovery> discover_sts(const SessionContext& context, dns::Resolver& resolver, StsDiscoveryRequest req) {
  StsDiscovery d{.domain = req.domain};
  d.txt = co_await await_lookup<dns::StsTxtResult>([&](auto done) { dns::lookup_sts_txt(resolver, req.domain, done); });
  d.plan = policy::plan_sts(req.cached, d.txt.answer, d.txt.id, req.now);
  if (req.force_fetch && d.plan.action == policy::StsAction::kUseCached && d.txt.answer == policy::StsTxtAnswer::kFound) {
    d.plan = {.action = policy::StsAction::kFetch,
              .fallback = policy::StsAction::kUseCached,
              .refresh_soon = false,
              .reason = "refreshing the cached policy (id " + d.txt.id + ")"};
  }
  if (req.fetch_always && d.plan.action != policy::StsAction::kFetch) {
    d.plan.fallback = d.plan.action;
    d.plan.action = policy::StsAction::kFetch;
  }
  if (req.never_fetch && d.plan.action == policy::StsAction::kFetch) {
    d.plan.reason += " (not fetched here)";
    d.plan.action = d.plan.fallback;
  }
  if (d.plan.action == policy::StsAction::kFetch) {
    const std::string host = sts_policy_host(req.domain);
    struct Answer {
      std::vector<policy::IpAddress> ips;
      std::string why;
    };
    auto a = co_await await_lookup<Answer>([&](auto done) {
      dns::lookup_addresses(resolver, host, [done](std::vector<policy::IpAddress> ips, dns::LookupStatus, bool, std::string why) {
        done(Answer{std::move(ips), std::move(why)});
      });
    });
    d.addresses = std::move(a.ips);
    d.address_problem = a.why.empty() && d.addresses.empty() ? "no address" : a.why;
    // The addresses in order until one answers; a refused certificate ends it (that is the
    // policy host's answer, not a network accident).
    for (const auto& ip : d.addresses) {
      boost::system::error_code ec;
      const auto address = asio::ip::make_address(ip.to_string(), ec);
      if (ec) continue;
      // Named, not a temporary inside co_await (g++ 12 destroys those twice).
      StsFetchRequest fetch{.domain = req.domain, .address = address, .port = req.port, .timeout = req.timeout};
      d.fetch = co_await fetch_sts_policy(context, std::move(fetch));
      if (d.fetch->ok() || d.fetch->failure == StsFetchFailure::kWebPkiInvalid) break;
    }
    if (d.fetch && d.fetch->ok()) d.fetched_policy = policy::parse_sts_policy(d.fetch->body);
    std::optional<policy::StsFetched> fetched;
    if (d.fetched_ok()) {
      fetched = policy::StsFetched{.policy = d.fetch->body, .max_age = (*d.fetched_policy)->max_age};
    } else if (d.fetched_policy) {
      d.failure_type = "sts-policy-invalid";
      d.failure = d.fetched_policy->error().message;
    } else if (d.fetch) {
      d.failure_type = to_string(d.fetch->failure);
      d.failure = d.fetch->error;
    } else {
      d.failure_type = to_string(StsFetchFailure::kFetchError);
      d.failure = "no address for " + host + ": " + d.address_problem;
    }
    // Only a policy announced by a TXT id is cached (and applies).
    if (d.txt.answer == policy::StsTxtAnswer::kFound) d.store = policy::after_sts_fetch(req.cached, d.txt.id, fetched, req.now);
    if (fetched && d.store) {
      d.applies = d.store;
      d.origin = "fetch";
    }
  }
  const bool cached_applies =
      d.plan.action == policy::StsAction::kUseCached ||
      (d.plan.action == policy::StsAction::kFetch && !d.applies && d.plan.fallback == policy::StsAction::kUseCached);
  if (cached_applies && req.cached) {
    d.applies = req.cached;
    d.origin = "cache";
  }
  co_return d;
}

std::optional<policy::StsInForce> sts_in_force(const StsDiscovery& d, policy::StsSetting setting) {
  if (setting == policy::StsSetting::kOff) return std::nullopt;
  if (!d.applies) {
    // No policy, but a TXT record announced one that could not be had: recorded for TLS-RPT.
    if (d.failure_type.empty() || d.txt.answer != policy::StsTxtAnswer::kFound) return std::nullopt;
    return policy::StsInForce{.domain = d.domain,
                              .id = d.txt.id,
                              .policy = {},
                              .fetched_at = 0,
                              .enforce = false,
                              .origin = "none",
                              .fetch_note = d.failure_type + ": " + d.failure,
                              .fetch_failure = d.failure_type};
  }
  auto p = policy::parse_sts_policy(d.applies->policy);
  // RFC 8461 §5: mode none is the receiver's way to say there is no policy.
  if (!p || p->mode == policy::StsMode::kNone) return std::nullopt;
  policy::StsInForce f{.domain = d.domain,
                       .id = d.applies->id,
                       .policy = std::move(*p),
                       .fetched_at = d.applies->fetched_at,
                       .enforce = false,
                       .origin = d.origin,
                       .fetch_note = {},
                       .fetch_failure = {}};
  f.enforce = policy::sts_enforced(f.policy.mode, setting);
  if (d.origin == "cache" && !d.failure.empty()) {
    f.fetch_note = d.failure_type + ": " + d.failure;
    f.fetch_failure = d.failure_type;
  }
  if (d.origin == "cache" && d.failure.empty() && d.txt.answer != policy::StsTxtAnswer::kFound) f.fetch_note = d.txt.reason;
  return f;
}

}  // namespace sealpost::mta
