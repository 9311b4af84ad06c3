// `sealpost tlsverify DOMAIN`: connects to every host delivery would use for DOMAIN (its
// SMTP route, or its MX hosts) and goes as far as mail would go — EHLO, STARTTLS, the
// handshake, chain and identity verification — then QUITs, printing each host's trace
// (TLS-POLICY.md §11). --showcerts prints the chain as PEM for `sealpost trust import`.
// Untrusted: arguments, DNS answers, server replies and certificates.
#include <iostream>

#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "mta/config/relay_config_file.h"
#include "mta/client/sts_discovery.h"
#include "mta/queue/sts_policy_store.h"
#include "mta/report/dane_render.h"
#include "mta/report/sts_render.h"
#include "mta/report/trace_render.h"
#include "policy/destconfig.h"
#include "policy/domain_name.h"
#include "policy/smtproutes.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/live.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "tlsverify";

// The configured route for the domain, unless --route replaces it.
Result<std::optional<policy::SmtpRoute>> route_for(const Context& ctx, const Args& args, const std::string& domain) {
  const auto routes = args.all("route");
  if (!routes.empty()) {
    auto r = policy::make_route(routes, args.has("implicit-tls"));
    if (!r) return Error{"--route: " + r.error().message};
    return std::optional<policy::SmtpRoute>(std::move(*r));
  }
  auto table = mta::load_config_file<policy::SmtpRoutes>(ctx.etc / "smtproutes.toml", policy::parse_smtproutes);
  if (!table) return table.error();
  const policy::SmtpRoute* r = table->lookup(domain);
  return r ? std::optional<policy::SmtpRoute>(*r) : std::nullopt;
}

Result<policy::EffectiveDestination> destconfig_for(const Context& ctx, const std::string& domain) {
  auto table = mta::load_config_file<policy::DestConfig>(ctx.etc / "destconfig.toml", policy::parse_destconfig);
  if (!table) return table.error();
  return table->lookup(domain);
}

bool host_verified(const mta::SessionResult& s) {
  if (s.outcome.dane && s.outcome.dane->state == policy::DaneState::kUsable) return s.outcome.dane->verified;
  if (s.outcome.mta_sts && s.outcome.mta_sts->enforced) return s.outcome.mta_sts->result == policy::StsResult::kVerified;
  return s.outcome.trace && s.outcome.trace->verified;
}

// MTA-STS as the daemon would find it: the TXT record, its cache under the spool (read only,
// when sealpost.toml can be read), a fetch when that is what the cache plan says.
struct StsLookup {
  policy::StsSetting setting = policy::StsSetting::kOff;
  mta::StsDiscoveryRequest request;
  std::optional<mta::StsDiscovery> found;
};

Result<StsLookup> sts_lookup(const Context& ctx, const Args& args, const std::string& domain, policy::StsSetting setting) {
  StsLookup l{.setting = setting, .request = {.domain = domain}, .found = {}};
  if (const auto m = args.get("mta-sts")) {
    const auto s = policy::parse_sts_setting(*m);
    if (!s) return Error{"--mta-sts must be one of " + std::string(policy::kStsSettingWords)};
    l.setting = *s;
  }
  auto relay = mta::load_relay_config(ctx.etc);
  auto port = count_option(args, "mta-sts-port", 1, 65535);
  if (!port) return port.error();
  l.request.port = static_cast<std::uint16_t>(port->value_or(relay ? relay->mta_sts_port : 443));
  l.request.now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (relay) {
    auto cached = mta::StsPolicyStore(relay->spool_directory).load(domain);
    if (cached) l.request.cached = *cached;
  }
  return l;
}

nlohmann::json sts_json(const std::optional<mta::StsDiscovery>& d) {
  using nlohmann::json;
  if (!d) return nullptr;
  return {{"txt", d->txt.reason},
          {"plan", d->plan.reason},
          {"fetch_failure", d->failure_type.empty() ? json(nullptr) : json(d->failure_type + ": " + d->failure)},
          {"policy_id", d->applies ? json(d->applies->id) : json(nullptr)},
          {"origin", d->applies ? json(d->origin) : json(nullptr)}};
}

void print_sts(const mta::StsDiscovery& d) {
  std::cout << "MTA-STS: " << d.txt.reason << "; " << d.plan.reason << "\n";
  if (!d.failure.empty()) std::cout << "  fetch failed: " << d.failure_type << ": " << d.failure << "\n";
  if (d.applies) std::cout << "  policy in force: id " << d.applies->id << " (from the " << d.origin << ")\n";
}

// --dnssec, else sealpost.toml's [dns] dnssec; without a readable sealpost.toml, off.
Result<bool> dnssec_trusted(const Context& ctx, const Args& args) {
  if (const auto d = args.get("dnssec")) {
    if (*d != "off" && *d != "trust-ad") return Error{"--dnssec must be off or trust-ad"};
    return *d == "trust-ad";
  }
  auto relay = mta::load_relay_config(ctx.etc);
  return relay && relay->dnssec_trust_ad;
}

void print_text(const mta::DeliveryResult& result, const std::string& domain, policy::TlsSetting setting,
                const std::string& entry, bool showcerts) {
  std::cout << "Destination: " << policy::with_unicode_form(domain) << " (tls=" << to_string(setting) << ", destconfig entry "
            << entry << ")\n";
  if (result.attempts.empty()) std::cout << "  no host was tried: " << result.reason << "\n";
  for (const auto& s : result.attempts) {
    const auto& o = s.outcome;
    std::cout << "\n== Host " << o.host << "[" << o.ip << "]:" << o.port << (o.via == "route" ? " (SMTP route)" : " (MX)")
              << (o.fallback_plaintext ? " — retry in clear" : "") << "\n";
    std::cout << "STARTTLS: " << to_string(o.starttls);
    if (!o.tls_version.empty()) {
      std::cout << ", " << o.tls_version << " " << o.tls_cipher << (o.tls_key_exchange.empty() ? "" : " " + o.tls_key_exchange)
                << (o.tls_resumed ? ", resumed session" : ", full handshake");
    }
    std::cout << "\n";
    if (o.dane) std::cout << mta::render_dane_text(*o.dane);
    if (o.mta_sts) std::cout << mta::render_sts_text(*o.mta_sts);
    if (o.trace) std::cout << mta::render_trace_text(*o.trace);
    std::cout << "Outcome: stage " << to_string(o.stage) << ", " << to_string(o.result);
    if (!o.reason.empty()) std::cout << ": " << (o.status.empty() ? "" : o.status + " ") << o.reason;
    std::cout << "\n";
    if (showcerts) {
      for (const auto& c : s.chain) std::cout << c.to_pem();
    }
  }
}

}  // namespace

int tlsverify_live(const Context& ctx, const Args& args) {
  if (args.positionals().size() != 1)
    return fail(kCmd, "give the DOMAIN to check, or --offline (see 'sealpost tlsverify --help')");
  for (const char* offline_only : {"chain", "recipient-domain", "mx", "ip", "ptr", "route-host"}) {
    if (args.has(offline_only)) return fail(kCmd, std::string("--") + offline_only + " goes with --offline");
  }
  auto domain = policy::normalize_reference_name(args.positionals()[0]);
  if (!domain)
    return fail(kCmd, "'" + policy::escape_for_display(args.positionals()[0]) + "' is not a domain: " + domain.error().message);
  auto dest = destconfig_for(ctx, *domain);
  if (!dest) return fail(kCmd, dest.error().message);
  policy::TlsSetting setting = dest->tls;
  if (auto t = args.get("tls")) {
    auto s = policy::parse_tls_setting(*t);
    if (!s) return fail(kCmd, "--tls must be one of " + std::string(policy::kTlsSettingWords));
    setting = *s;
  }
  auto port = count_option(args, "port", 1, 65535);
  if (!port) return fail(kCmd, port.error().message);
  auto route = route_for(ctx, args, *domain);
  if (!route) return fail(kCmd, route.error().message);
  auto run = live_run_from(ctx, args);
  if (!run) return fail(kCmd, run.error().message);
  auto dnssec = dnssec_trusted(ctx, args);
  if (!dnssec) return fail(kCmd, dnssec.error().message);
  policy::DaneMode dane = dest->dane;
  if (const auto d = args.get("dane")) {
    const auto m = policy::parse_dane_mode(*d);
    if (!m) return fail(kCmd, "--dane must be one of " + std::string(policy::kDaneModeWords));
    dane = *m;
  }

  auto sts = sts_lookup(ctx, args, *domain, setting == policy::TlsSetting::kNo ? policy::StsSetting::kOff : dest->mta_sts);
  if (!sts) return fail(kCmd, sts.error().message);

  mta::DeliveryRequest request{.recipient_domain = *domain,
                               .setting = setting,
                               .destconfig_entry = dest->entry,
                               .route = std::move(*route),
                               .mx_port = static_cast<std::uint16_t>(port->value_or(policy::kSmtpPort)),
                               .dane = setting == policy::TlsSetting::kNo ? policy::DaneMode::kOff : dane,
                               .dane_insecure_mx = dest->dane_insecure_mx,
                               .dnssec_trusted = *dnssec};
  // Discovery first, on the same resolver, then the delivery with the policy it found (MX
  // deliveries only, as the daemon does).
  std::optional<mta::DeliveryResult> delivered;
  const bool sts_applies = sts->setting != policy::StsSetting::kOff && (!request.route || request.route->use_dns());
  auto live = run_live(**run, [&](dns::Resolver& resolver) -> boost::asio::awaitable<void> {
    if (sts_applies) {
      sts->found = co_await mta::discover_sts((*run)->session, resolver, sts->request);
      request.sts = mta::sts_in_force(*sts->found, sts->setting);
    }
    delivered = co_await mta::deliver((*run)->session, resolver, std::move(request));
  });
  if (!live) return fail(kCmd, live.error().message);
  if (!delivered) return fail(kCmd, "delivery did not finish");
  const auto* result = &*delivered;

  const bool all_verified =
      !result->attempts.empty() && std::all_of(result->attempts.begin(), result->attempts.end(), host_verified);
  if (args.has("json")) {
    using nlohmann::json;
    json hosts = json::array();
    for (const auto& s : result->attempts) {
      json h = json::parse(mta::to_json_line(s.outcome));
      if (args.has("showcerts")) {
        json pems = json::array();
        for (const auto& c : s.chain) pems.push_back(c.to_pem());
        h["chain_pem"] = pems;
      }
      hosts.push_back(h);
    }
    std::cout << json{{"domain", *domain},
                      {"setting", std::string(to_string(setting))},
                      {"destconfig_entry", dest->entry},
                      {"verified", all_verified},
                      {"reason", result->reason.empty() ? json(nullptr) : json(result->reason)},
                      {"hosts", hosts},
                      {"mta_sts", sts_json(sts->found)}}
                     .dump(2, ' ', false, json::error_handler_t::replace)
              << "\n";
  } else {
    if (sts->found) print_sts(*sts->found);
    print_text(*result, *domain, setting, dest->entry, args.has("showcerts"));
    std::cout << "\nVerdict: " << (all_verified ? "every host verified" : "not every host verified") << "\n";
  }
  return all_verified ? kExitOk : kExitNo;
}

}  // namespace sealpost::cli
