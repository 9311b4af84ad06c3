// `sealpost tlsverify DOMAIN`: connects to every host delivery would use for DOMAIN (its
// SMTP route, or its MX hosts) and goes as far as mail would go — EHLO, STARTTLS, the
// handshake, chain and identity verification — then QUITs, printing each host's trace
// (TLS-POLICY.md §11). --showcerts prints the chain as PEM for `sealpost trust import`.
// Untrusted: arguments, DNS answers, server replies and certificates.
#include <iostream>

#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "mta/config/relay_config_file.h"
#include "mta/report/dane_render.h"
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
  return s.outcome.trace && s.outcome.trace->verified;
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
  std::cout << "Destination: " << domain << " (tls=" << to_string(setting) << ", destconfig entry " << entry << ")\n";
  if (result.attempts.empty()) std::cout << "  no host was tried: " << result.reason << "\n";
  for (const auto& s : result.attempts) {
    const auto& o = s.outcome;
    std::cout << "\n== Host " << o.host << "[" << o.ip << "]:" << o.port << (o.via == "route" ? " (SMTP route)" : " (MX)")
              << (o.fallback_plaintext ? " — retry in clear" : "") << "\n";
    std::cout << "STARTTLS: " << to_string(o.starttls);
    if (!o.tls_version.empty()) {
      std::cout << ", " << o.tls_version << " " << o.tls_cipher << (o.tls_resumed ? ", resumed session" : ", full handshake");
    }
    std::cout << "\n";
    if (o.dane) std::cout << mta::render_dane_text(*o.dane);
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

  mta::DeliveryRequest request{.recipient_domain = *domain,
                               .setting = setting,
                               .destconfig_entry = dest->entry,
                               .route = std::move(*route),
                               .mx_port = static_cast<std::uint16_t>(port->value_or(policy::kSmtpPort)),
                               .dane = setting == policy::TlsSetting::kNo ? policy::DaneMode::kOff : dane,
                               .dane_insecure_mx = dest->dane_insecure_mx,
                               .dnssec_trusted = *dnssec};
  auto result = run_delivery(**run, std::move(request));
  if (!result) return fail(kCmd, result.error().message);

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
                      {"hosts", hosts}}
                     .dump(2, ' ', false, json::error_handler_t::replace)
              << "\n";
  } else {
    print_text(*result, *domain, setting, dest->entry, args.has("showcerts"));
    std::cout << "\nVerdict: " << (all_verified ? "every host verified" : "not every host verified") << "\n";
  }
  return all_verified ? kExitOk : kExitNo;
}

}  // namespace sealpost::cli
