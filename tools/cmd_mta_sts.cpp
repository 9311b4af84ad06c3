// `sealpost mta-sts fetch|refresh|show|flush DOMAIN`, `mta-sts list`: MTA-STS discovery and
// fetch as delivery will do them (RFC 8461 §3): the _mta-sts TXT record through our resolver,
// the addresses of mta-sts.DOMAIN, the HTTPS fetch (our TLS client, the trust store, DNS-ID
// check, 200 + text/plain only, ≤ 64 KiB), the parsed policy, each step explained; and the
// policy cache under the spool (RFC 8461 §5.1). Untrusted: DNS answers, the HTTPS response and
// the cache files.
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "dns/cares_transport.h"
#include "dns/mx_lookup.h"
#include "dns/sts_txt_lookup.h"
#include "mta/client/sts_discovery.h"
#include "mta/config/relay_config_file.h"
#include "mta/queue/sts_policy_store.h"
#include "policy/domain_name.h"
#include "policy/mta_sts.h"
#include "policy/time_format.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/live.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "mta-sts";
constexpr std::string_view kHelp = R"(usage: sealpost mta-sts fetch|refresh|show|flush DOMAIN [options]
       sealpost mta-sts list [--json]

MTA-STS (RFC 8461) policies, discovered and fetched the way delivery does:
  fetch DOMAIN     explain each step: the _mta-sts TXT record, the address of mta-sts.DOMAIN,
                   the HTTPS fetch of /.well-known/mta-sts.txt (certificate chain and DNS-ID,
                   HTTP status, Content-Type, size) and the policy's mode, max_age and mx
                   patterns; nothing is cached
  refresh DOMAIN   the same, then store a valid policy in the cache under the spool
                   (SPOOL/mta-sts/DOMAIN); a failure is remembered and the cached policy kept
  show DOMAIN      the cached policy: id, fetch time, expiry, mode, mx patterns
  flush DOMAIN     remove the cached policy
  list             every cached policy

Options of fetch and refresh:
  --dns-server IP[:PORT]    repeatable (default: /etc/resolv.conf)
  --port N                  HTTPS port (default 443; tests use another)
  --trust FILE|NAME         repeatable (default: every trustpoint in ETC/trust)
  --no-system-trust         leave the system CA bundle out
  --at TIME                 validation time, RFC 3339 (default: now)
  --timeout SECONDS         for the whole fetch (default 60)
  --json                    one JSON object (also for show and list)
Exit status: 0 a valid policy was fetched (or is cached), 1 none, 2 bad input.
)";

constexpr OptionSpec kOptions[] = {
    {.name = "help"},
    {.name = "json"},
    {.name = "dns-server", .takes_value = true, .repeatable = true},
    {.name = "port", .takes_value = true},
    {.name = "trust", .takes_value = true, .repeatable = true},
    {.name = "no-system-trust"},
    {.name = "at", .takes_value = true},
    {.name = "timeout", .takes_value = true},
};

// Discovery as delivery does it, on its own event loop; `cached` is refreshed (refresh) or
// left out (fetch).
Result<mta::StsDiscovery> discover(LiveRun& live, mta::StsDiscoveryRequest request) {
  mta::StsDiscovery d;
  auto s = run_live(live, [&](dns::Resolver& resolver) -> boost::asio::awaitable<void> {
    d = co_await mta::discover_sts(live.session, resolver, std::move(request));
  });
  if (!s) return s.error();
  return d;
}

// What fetch and refresh print: each step, then the policy. Returns the exit status.
int print_fetch(const mta::StsDiscovery& run, const std::string& domain, bool as_json) {
  const std::string host = mta::sts_policy_host(domain);
  const bool valid = run.fetched_ok();
  if (as_json) {
    using nlohmann::json;
    json j = {{"domain", domain},
              {"txt",
               {{"answer", policy::to_string(run.txt.answer)},
                {"id", run.txt.id.empty() ? json(nullptr) : json(run.txt.id)},
                {"reason", run.txt.reason}}},
              {"policy_host", host},
              {"fetch", nullptr},
              {"policy", nullptr}};
    if (run.fetch) {
      j["fetch"] = {{"ok", run.fetch->ok()},
                    {"failure", mta::to_string(run.fetch->failure)},
                    {"error", run.fetch->error},
                    {"http_status", run.fetch->http_status},
                    {"content_type", run.fetch->content_type},
                    {"tls_version", run.fetch->tls_version}};
    } else {
      j["fetch"] = {{"ok", false},
                    {"failure", mta::to_string(mta::StsFetchFailure::kFetchError)},
                    {"error", "no address for " + host + ": " + run.address_problem}};
    }
    if (valid) {
      const auto& p = **run.fetched_policy;
      j["policy"] = {{"mode", policy::to_string(p.mode)}, {"max_age", p.max_age}, {"mx", p.mx}};
    } else if (run.fetched_policy) {
      j["policy_error"] = run.fetched_policy->error().message;
    }
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return valid ? kExitOk : kExitNo;
  }
  std::cout << "Policy domain: " << domain << "\n";
  std::cout << "TXT: " << run.txt.reason << "\n";
  if (run.addresses.empty()) {
    std::cout << "Policy host: " << host << ": no address (" << run.address_problem << ")\n";
    return kExitNo;
  }
  if (run.fetch) {
    const auto& f = *run.fetch;
    std::cout << "Fetch: " << (f.ok() ? "ok" : std::string(mta::to_string(f.failure)) + ": " + f.error);
    if (!f.tls_version.empty()) std::cout << " (" << f.tls_version << " " << f.tls_cipher << ")";
    std::cout << "\n";
  }
  if (run.fetched_policy && !*run.fetched_policy) {
    std::cout << "Policy: sts-policy-invalid: " << run.fetched_policy->error().message << "\n";
  }
  if (valid) {
    const auto& p = **run.fetched_policy;
    std::cout << "Policy: mode " << policy::to_string(p.mode) << ", max_age " << p.max_age << "\n";
    for (const auto& m : p.mx) std::cout << "  mx: " << m << "\n";
  }
  return valid ? kExitOk : kExitNo;
}

std::string when(std::int64_t t) {
  return policy::rfc3339_utc(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(t)));
}

// `show` and `list`: one cache entry, as text or JSON.
nlohmann::json entry_json(const std::string& domain, const policy::StsCacheEntry& e, std::int64_t now) {
  const auto p = policy::parse_sts_policy(e.policy);
  nlohmann::json j = {{"domain", domain},
                      {"id", e.id},
                      {"fetched", when(e.fetched_at)},
                      {"expires", when(e.fetched_at + e.max_age)},
                      {"valid", e.valid_at(now)},
                      {"mode", p ? nlohmann::json(policy::to_string(p->mode)) : nlohmann::json(nullptr)},
                      {"mx", p ? nlohmann::json(p->mx) : nlohmann::json::array()}};
  if (!e.failed_id.empty()) j["last_failure"] = {{"id", e.failed_id}, {"at", when(e.failed_at)}};
  return j;
}

void print_entry(const nlohmann::json& j) {
  std::cout << j["domain"].get<std::string>() << ": id " << j["id"].get<std::string>() << ", mode "
            << (j["mode"].is_null() ? "?" : j["mode"].get<std::string>()) << ", fetched " << j["fetched"].get<std::string>()
            << ", " << (j["valid"].get<bool>() ? "valid until " : "expired ") << j["expires"].get<std::string>() << "\n";
  for (const auto& m : j["mx"]) std::cout << "  mx: " << m.get<std::string>() << "\n";
  if (j.contains("last_failure")) {
    std::cout << "  last fetch failure: id " << j["last_failure"]["id"].get<std::string>() << " at "
              << j["last_failure"]["at"].get<std::string>() << "\n";
  }
}

}  // namespace

int cmd_mta_sts(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 2}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  const std::string sub = pos.empty() ? "" : pos[0];
  const bool as_json = args.has("json");
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (sub == "list") {
    if (pos.size() != 1) return fail(kCmd, "usage: mta-sts list [--json]");
    auto relay = mta::load_relay_config(ctx.etc);
    if (!relay) return fail(kCmd, relay.error().message);
    nlohmann::json all = nlohmann::json::array();
    for (const auto& [domain, entry] : mta::StsPolicyStore(relay->spool_directory).list()) {
      if (!entry) {
        std::cerr << "sealpost mta-sts: " << domain << ": " << entry.error().message << "\n";
        continue;
      }
      all.push_back(entry_json(domain, *entry, now));
    }
    if (as_json) {
      std::cout << all.dump(2) << "\n";
    } else {
      if (all.empty()) std::cout << "no cached MTA-STS policy\n";
      for (const auto& j : all) print_entry(j);
    }
    return kExitOk;
  }
  if (pos.size() != 2 || (sub != "fetch" && sub != "refresh" && sub != "show" && sub != "flush")) {
    return fail(kCmd, "usage: mta-sts fetch|refresh|show|flush DOMAIN, or mta-sts list (see --help)");
  }
  auto domain = policy::normalize_reference_name(pos[1]);
  if (!domain) return fail(kCmd, "'" + policy::escape_for_display(pos[1]) + "' is not a domain: " + domain.error().message);
  std::optional<mta::StsPolicyStore> store;
  if (sub != "fetch") {
    auto relay = mta::load_relay_config(ctx.etc);
    if (!relay) return fail(kCmd, relay.error().message);
    store.emplace(relay->spool_directory);
  }
  if (sub == "show") {
    auto e = store->load(*domain);
    if (!e) return fail(kCmd, e.error().message);
    if (!*e) {
      std::cout << "no cached MTA-STS policy for " << *domain << "\n";
      return kExitNo;
    }
    const auto j = entry_json(*domain, **e, now);
    if (as_json) {
      std::cout << j.dump(2) << "\n";
    } else {
      print_entry(j);
    }
    return kExitOk;
  }
  if (sub == "flush") {
    auto removed = store->remove(*domain);
    if (!removed) return fail(kCmd, removed.error().message);
    std::cout << (*removed ? "removed the cached MTA-STS policy of " : "no cached MTA-STS policy for ") << *domain << "\n";
    return *removed ? kExitOk : kExitNo;
  }

  auto port = count_option(args, "port", 1, 65535);
  if (!port) return fail(kCmd, port.error().message);
  auto timeout = count_option(args, "timeout", 1, 3600);
  if (!timeout) return fail(kCmd, timeout.error().message);
  auto live = live_run_from(ctx, args);
  if (!live) return fail(kCmd, live.error().message);
  auto cached = sub == "refresh" ? store->load(*domain) : Result<std::optional<policy::StsCacheEntry>>(std::nullopt);
  if (!cached) std::cerr << "sealpost mta-sts: " << cached.error().message << " (replaced by what is fetched now)\n";
  auto run = discover(**live, {.domain = *domain,
                               .cached = cached ? *cached : std::nullopt,
                               .now = now,
                               .force_fetch = true,
                               .fetch_always = sub == "fetch",
                               .never_fetch = false,
                               .port = static_cast<std::uint16_t>(port->value_or(443)),
                               .timeout = std::chrono::seconds(timeout->value_or(60))});
  if (!run) return fail(kCmd, run.error().message);
  const int rc = print_fetch(*run, *domain, as_json);
  if (sub == "fetch") return rc;

  // refresh: a valid policy under a TXT id replaces the cache; a failure is remembered (and
  // the cached policy kept until it expires: RFC 8461 §5.1).
  if (run->txt.answer != policy::StsTxtAnswer::kFound) {
    std::cout << "Cache: unchanged (no v=STSv1 record announces a policy)\n";
    return kExitNo;
  }
  if (!run->store) {
    std::cout << "Cache: nothing cached\n";
    return kExitNo;
  }
  if (auto s = store->save(*domain, *run->store); !s) return fail(kCmd, s.error().message);
  std::cout << (rc == kExitOk ? "Cache: stored under " : "Cache: the failure is remembered, the cached policy kept, in ")
            << store->directory().string() << "\n";
  return rc;
}

}  // namespace sealpost::cli
