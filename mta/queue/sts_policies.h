// MTA-STS policies for the queue (RFC 8461 §3.3, §5.1; DANE-MTA-STS.md §2 rules 2–5): for each
// delivery to a domain whose destconfig has mta-sts on, the TXT record is looked up and the
// cached policy used, fetched or refetched as sts_cache.h plans, the cache under the spool
// (sts_policy_store.h) updated; a second delivery to a domain whose policy is being fetched
// waits for that fetch instead of fetching again. The background refresh refetches cached
// policies once they are due (daily, with jitter, before expiry) and logs a warning when that
// fails for a policy whose mode is not none. Untrusted: DNS, HTTPS and the cache files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "asio/asio.h"
#include "dns/resolver.h"
#include "mta/client/smtp_session.h"
#include "mta/client/sts_discovery.h"
#include "mta/queue/sts_policy_store.h"
#include "mta/smtp/log_sink.h"
#include "policy/sts_host.h"

namespace sealpost::mta {

// Where and how long a policy fetch may take ([delivery] mta_sts_port, mta_sts_timeout_seconds).
struct StsFetchSettings {
  std::uint16_t port = 443;
  std::chrono::milliseconds timeout = kStsFetchTimeout;
};

class StsPolicies {
 public:
  struct Counters {
    std::uint64_t fetched = 0, fetch_failures = 0, refreshed = 0, refresh_failures = 0, dns_errors = 0;
  };

  StsPolicies(StsPolicyStore store, std::shared_ptr<LogSink> log) : store_(std::move(store)), log_(std::move(log)) {}

  // The policy in force for a delivery to `domain` (nothing when none applies or `setting` is off).
  boost::asio::awaitable<std::optional<policy::StsInForce>> for_delivery(const SessionContext& context, dns::Resolver& resolver,
                                                                         std::string domain, policy::StsSetting setting,
                                                                         StsFetchSettings fetch);
  // Refetches every cached policy that is due; one pass.
  boost::asio::awaitable<void> refresh_due(const SessionContext& context, dns::Resolver& resolver, StsFetchSettings fetch);

  const Counters& counters() const { return counters_; }
  const StsPolicyStore& store() const { return store_; }

 private:
  // Discovery for one domain with its cache, the cache saved; nothing while the domain's store
  // file cannot be read (the reason is logged and the file replaced by the next fetch).
  boost::asio::awaitable<StsDiscovery> discover(const SessionContext& context, dns::Resolver& resolver, const std::string& domain,
                                                bool refresh, StsFetchSettings fetch);

  StsPolicyStore store_;
  std::shared_ptr<LogSink> log_;
  Counters counters_;
  // Domains being discovered, with a timer their other deliveries wait on.
  std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> busy_;
};

}  // namespace sealpost::mta
