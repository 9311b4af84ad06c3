// `sealpost mta-sts fetch DOMAIN`: MTA-STS discovery and fetch as delivery will do them (RFC
// 8461 §3): the _mta-sts TXT record through our resolver, the addresses of mta-sts.DOMAIN, the
// HTTPS fetch (our TLS client, the trust store, DNS-ID check, 200 + text/plain only, ≤ 64 KiB),
// and the parsed policy, each step explained. No cache is read or written. Exit status: 0 a
// valid policy was fetched, 1 none, 2 bad input. Untrusted: DNS answers and the HTTPS response.
#include <iostream>
#include <nlohmann/json.hpp>

#include "dns/cares_transport.h"
#include "dns/mx_lookup.h"
#include "dns/sts_txt_lookup.h"
#include "mta/client/sts_policy_fetch.h"
#include "policy/domain_name.h"
#include "policy/mta_sts.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/live.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "mta-sts";
constexpr std::string_view kHelp = R"(usage: sealpost mta-sts fetch DOMAIN [options]

Discovers and fetches DOMAIN's MTA-STS policy (RFC 8461) the way delivery does, and explains
each step: the _mta-sts TXT record, the address of mta-sts.DOMAIN, the HTTPS fetch of
/.well-known/mta-sts.txt (certificate chain and DNS-ID, HTTP status, Content-Type, size) and
the policy's mode, max_age and mx patterns. Nothing is cached.

  --dns-server IP[:PORT]    repeatable (default: /etc/resolv.conf)
  --port N                  HTTPS port (default 443; tests use another)
  --trust FILE|NAME         repeatable (default: every trustpoint in ETC/trust)
  --no-system-trust         leave the system CA bundle out
  --at TIME                 validation time, RFC 3339 (default: now)
  --timeout SECONDS         for the whole fetch (default 60)
  --json                    one JSON object
Exit status: 0 a valid policy was fetched, 1 no policy, 2 bad input.
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

std::string_view failure_name(mta::StsFetchFailure f) {
  switch (f) {
    case mta::StsFetchFailure::kNone: return "none";
    case mta::StsFetchFailure::kFetchError: return "sts-policy-fetch-error";
    case mta::StsFetchFailure::kWebPkiInvalid: return "sts-webpki-invalid";
  }
  return "?";
}

struct Run {
  dns::StsTxtResult txt;
  std::vector<policy::IpAddress> addresses;
  std::string address_problem;
  std::optional<mta::StsFetchResult> fetch;
  std::optional<Result<policy::StsPolicy>> policy;
};

}  // namespace

int cmd_mta_sts(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 2}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  if (pos.size() != 2 || pos[0] != "fetch") return fail(kCmd, "usage: mta-sts fetch DOMAIN [options] (see --help)");
  auto domain = policy::normalize_reference_name(pos[1]);
  if (!domain) return fail(kCmd, "'" + policy::escape_for_display(pos[1]) + "' is not a domain: " + domain.error().message);
  auto port = count_option(args, "port", 1, 65535);
  if (!port) return fail(kCmd, port.error().message);
  auto timeout = count_option(args, "timeout", 1, 3600);
  if (!timeout) return fail(kCmd, timeout.error().message);
  auto live = live_run_from(ctx, args);
  if (!live) return fail(kCmd, live.error().message);
  (*live)->session.trust = &(*live)->trust;
  (*live)->session.tls = &(*live)->tls;

  boost::asio::io_context io;
  auto transport = dns::CaresTransport::create(io, {.servers = (*live)->dns_servers});
  if (!transport) return fail(kCmd, transport.error().message);
  dns::Resolver resolver(**transport);
  Run run;
  const std::string host = mta::sts_policy_host(*domain);
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        boost::asio::steady_timer wake(io, mta::TlsConnection::Clock::time_point::max());
        int pending = 2;
        const auto done = [&] {
          if (--pending == 0) wake.cancel();
        };
        dns::lookup_sts_txt(resolver, *domain, [&](dns::StsTxtResult r) {
          run.txt = std::move(r);
          done();
        });
        dns::lookup_addresses(resolver, host, [&](std::vector<policy::IpAddress> ips, dns::LookupStatus, bool, std::string why) {
          run.addresses = std::move(ips);
          run.address_problem = std::move(why);
          done();
        });
        if (pending > 0) {
          boost::system::error_code ec;
          co_await wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        }
        // The addresses in order until one answers (a refused certificate ends it: that is the policy host's answer).
        for (const auto& ip : run.addresses) {
          boost::system::error_code ec;
          const auto address = boost::asio::ip::make_address(ip.to_string(), ec);
          if (ec) continue;
          // Named, not a temporary inside co_await (g++ 12 destroys those twice).
          mta::StsFetchRequest request{.domain = *domain,
                                       .address = address,
                                       .port = static_cast<std::uint16_t>(port->value_or(443)),
                                       .timeout = std::chrono::seconds(timeout->value_or(60))};
          run.fetch = co_await mta::fetch_sts_policy((*live)->session, std::move(request));
          if (run.fetch->ok() || run.fetch->failure == mta::StsFetchFailure::kWebPkiInvalid) break;
        }
        if (run.fetch && run.fetch->ok()) run.policy = policy::parse_sts_policy(run.fetch->body);
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();

  const bool valid = run.policy && *run.policy;
  if (args.has("json")) {
    using nlohmann::json;
    json j = {{"domain", *domain},
              {"txt",
               {{"answer", policy::to_string(run.txt.answer)},
                {"id", run.txt.id.empty() ? json(nullptr) : json(run.txt.id)},
                {"reason", run.txt.reason}}},
              {"policy_host", host},
              {"fetch", nullptr},
              {"policy", nullptr}};
    if (run.fetch) {
      j["fetch"] = {{"ok", run.fetch->ok()},
                    {"failure", failure_name(run.fetch->failure)},
                    {"error", run.fetch->error},
                    {"http_status", run.fetch->http_status},
                    {"content_type", run.fetch->content_type},
                    {"tls_version", run.fetch->tls_version}};
    } else {
      j["fetch"] = {
          {"ok", false}, {"failure", "sts-policy-fetch-error"}, {"error", "no address for " + host + ": " + run.address_problem}};
    }
    if (valid) {
      const auto& p = **run.policy;
      j["policy"] = {{"mode", policy::to_string(p.mode)}, {"max_age", p.max_age}, {"mx", p.mx}};
    } else if (run.policy) {
      j["policy_error"] = run.policy->error().message;
    }
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return valid ? kExitOk : kExitNo;
  }
  std::cout << "Policy domain: " << *domain << "\n";
  std::cout << "TXT: " << run.txt.reason << "\n";
  if (run.addresses.empty()) {
    std::cout << "Policy host: " << host << ": no address (" << run.address_problem << ")\n";
    return kExitNo;
  }
  if (run.fetch) {
    const auto& f = *run.fetch;
    std::cout << "Fetch: " << (f.ok() ? "ok" : std::string(failure_name(f.failure)) + ": " + f.error);
    if (!f.tls_version.empty()) std::cout << " (" << f.tls_version << " " << f.tls_cipher << ")";
    std::cout << "\n";
  }
  if (run.policy && !*run.policy) std::cout << "Policy: sts-policy-invalid: " << run.policy->error().message << "\n";
  if (valid) {
    const auto& p = **run.policy;
    std::cout << "Policy: mode " << policy::to_string(p.mode) << ", max_age " << p.max_age << "\n";
    for (const auto& m : p.mx) std::cout << "  mx: " << m << "\n";
  }
  return valid ? kExitOk : kExitNo;
}

}  // namespace sealpost::cli
