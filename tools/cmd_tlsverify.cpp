// `sealpost tlsverify --offline`: verifies a chain file against the DNS facts given on the
// command line, exactly as delivery would (TLS-POLICY.md), and prints the trace. The option
// names are a stable interface (DESIGN.md). Untrusted: every argument and the chain file.
// Without --offline, tlsverify_live (cmd_tlsverify_live.cpp) connects to the hosts instead.
#include <iostream>
#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "mta/client/host_dane.h"
#include "mta/report/dane_render.h"
#include "mta/report/trace_render.h"
#include "policy/domain_name.h"
#include "policy/time_format.h"
#include "tls/pem.h"
#include "tls/trust_store.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/live.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kHelp = R"(usage: sealpost tlsverify DOMAIN [live options]
       sealpost tlsverify --offline --chain FILE --recipient-domain D [options]

Verifies a destination's TLS as delivery would, and explains every decision.
Exit status: 0 verified, 1 not verified, 2 bad input.

Live (connects to every MX host, or to the SMTP route, up to where mail would be sent):
  --tls SETTING             default: the destconfig setting for DOMAIN
  --port N                  port of the MX hosts (default 25)
  --route DEST              repeatable: [user:password@]host[:port] instead of
                            the smtproutes entry for DOMAIN (USEDNS: the MX hosts)
  --implicit-tls            TLS from the first byte (RFC 8314), as on port 465
  --dns-server IP[:PORT]    repeatable (default: /etc/resolv.conf)
  --dnssec off|trust-ad     believe the AD bit of the DNS servers (a validating
                            resolver) for DANE (default: [dns] dnssec of sealpost.toml)
  --dane off|opportunistic|mandatory
                            default: the destconfig dane value for DOMAIN
  --mta-sts off|on|enforce-testing
                            MTA-STS (RFC 8461) as delivery applies it (default: the
                            destconfig value): the TXT record, the daemon's cached policy
                            (read, never written) or a fetch, then the checks per MX host
  --mta-sts-port N          HTTPS port of mta-sts.DOMAIN (default: [delivery]
                            mta_sts_port of sealpost.toml, else 443)
  --showcerts               print each server's chain as PEM, for 'trust import'
  --helo NAME               EHLO name (default: localhost)
  --timeout SECONDS         per network step (default 30)
  --trust, --no-system-trust, --at, --json as below

Offline (a chain file and the DNS facts):
  --chain FILE              PEM, leaf first, then intermediates
  --trust FILE|NAME         repeatable: a PEM file, or a trustpoint name in ETC/trust
                            (default: every trustpoint in ETC/trust)
  --no-system-trust         leave the system CA bundle out
  --tls SETTING             no | preferred | required | preferred-verify |
                            required-verify | required-verify-hosted (default: required-verify)
  --recipient-domain D      the envelope recipient's domain
  --mx HOST                 the MX host connected to (absent when a route is used)
  --ip ADDR                 the IP connected to
  --ptr NAME=ADDR[,ADDR…]   repeatable: a PTR name of --ip and that name's A/AAAA answers
  --route-host HOST         repeatable: the hosts of the SMTP route
  --tlsa "U S M HEX"        repeatable: TLSA records taken as DNSSEC-secure (DANE,
                            RFC 7672); usable ones replace the chain and name rules
  --tlsa-base NAME          the TLSA base domain (default: --mx, else the recipient domain)
  --mx-secure yes|no        whether the MX RRset was signed (default yes; no: half DANE)
  --at TIME                 validation time, RFC 3339 (default: now)
  --json                    print the trace as JSON
)";

constexpr OptionSpec kOptions[] = {
    {.name = "offline"},
    {.name = "chain", .takes_value = true},
    {.name = "trust", .takes_value = true, .repeatable = true},
    {.name = "no-system-trust"},
    {.name = "tls", .takes_value = true},
    {.name = "recipient-domain", .takes_value = true},
    {.name = "mx", .takes_value = true},
    {.name = "ip", .takes_value = true},
    {.name = "ptr", .takes_value = true, .repeatable = true},
    {.name = "route-host", .takes_value = true, .repeatable = true},
    {.name = "tlsa", .takes_value = true, .repeatable = true},
    {.name = "tlsa-base", .takes_value = true},
    {.name = "mx-secure", .takes_value = true},
    {.name = "at", .takes_value = true},
    {.name = "json"},
    {.name = "help"},
    {.name = "port", .takes_value = true},
    {.name = "route", .takes_value = true, .repeatable = true},
    {.name = "implicit-tls"},
    {.name = "dns-server", .takes_value = true, .repeatable = true},
    {.name = "dnssec", .takes_value = true},
    {.name = "dane", .takes_value = true},
    {.name = "mta-sts", .takes_value = true},
    {.name = "mta-sts-port", .takes_value = true},
    {.name = "showcerts"},
    {.name = "helo", .takes_value = true},
    {.name = "timeout", .takes_value = true},
};

Result<policy::PtrFact> parse_ptr(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return Error{"--ptr '" + policy::escape_for_display(text) + "' must be NAME=ADDR[,ADDR...]"};
  policy::PtrFact fact{.name = text.substr(0, eq), .addresses = {}};
  std::size_t start = eq + 1;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string addr = text.substr(start, comma - start);
    if (!addr.empty()) {
      auto ip = policy::IpAddress::parse(addr);
      if (!ip) return Error{"--ptr " + fact.name + ": '" + policy::escape_for_display(addr) + "' is not an IP address"};
      fact.addresses.push_back(*ip);
    }
    start = comma + 1;
  }
  return fact;
}

// --tlsa records, taken as the secure TLSA answer for the host: the DANE state, and the match
// when they are usable. Nothing without --tlsa.
Result<std::optional<mta::HostDane>> offline_dane(const Args& args, policy::TlsSetting setting,
                                                  const policy::DeliveryFacts& facts, const std::vector<tls::Certificate>& chain,
                                                  std::chrono::system_clock::time_point at) {
  const auto texts = args.all("tlsa");
  if (texts.empty()) {
    if (args.has("tlsa-base") || args.has("mx-secure")) return Error{"--tlsa-base and --mx-secure go with --tlsa"};
    return std::optional<mta::HostDane>{};
  }
  std::vector<tls::TlsaRecord> records;
  for (const auto& t : texts) {
    auto r = tls::parse_tlsa_record(t);
    if (!r) return Error{"--tlsa '" + policy::escape_for_display(t) + "': " + r.error().message};
    records.push_back(std::move(*r));
  }
  const std::string mx_secure = args.get("mx-secure").value_or("yes");
  if (mx_secure != "yes" && mx_secure != "no") return Error{"--mx-secure must be yes or no"};
  policy::DaneMode mode = policy::DaneMode::kOpportunistic;
  if (const auto d = args.get("dane")) {
    const auto m = policy::parse_dane_mode(*d);
    if (!m) return Error{"--dane must be one of " + std::string(policy::kDaneModeWords)};
    mode = *m;
  }
  const std::string host = facts.mx_host.value_or(facts.recipient_domain);
  const std::string base = args.get("tlsa-base").value_or(host);
  // Offline, the records are facts the user vouches for: a trusted resolver's secure answer.
  const policy::DaneFacts f{.setting = setting,
                            .mode = mode,
                            .insecure_mx = policy::DaneInsecureMx::kDane,
                            .dnssec_trusted = true,
                            .mx_secure = mx_secure == "yes",
                            .tlsa = policy::TlsaAnswer::kSecureFound,
                            .usable_records = 0,
                            .detail = {}};
  mta::HostDane dane = mta::decide_host_dane(f, base, records, true);
  if (dane.state == policy::DaneState::kUsable) {
    mta::verify_dane(dane.usable, chain, at, {.tlsa_base = base, .mx_host = host, .recipient_domain = facts.recipient_domain},
                     dane.trace);
  }
  return std::optional<mta::HostDane>(std::move(dane));
}

}  // namespace

int cmd_tlsverify(const Context& ctx, const std::vector<std::string>& argv) {
  constexpr std::string_view kCmd = "tlsverify";
  auto parsed = parse_args(argv, kOptions, 0, 1);
  if (!parsed) return fail(kCmd, parsed.error().message + " (see 'sealpost tlsverify --help')");
  const Args& args = *parsed;
  if (args.has("help") || argv.empty()) {
    std::cout << kHelp;
    return argv.empty() ? kExitBadInput : kExitOk;
  }
  if (!args.has("offline")) return tlsverify_live(ctx, args);
  if (!args.positionals().empty()) return fail(kCmd, "--offline takes no DOMAIN: give --recipient-domain");
  const auto chain_file = args.get("chain");
  if (!chain_file) return fail(kCmd, "--chain FILE is required with --offline");
  const auto given = args.get("recipient-domain");
  if (!given) return fail(kCmd, "--recipient-domain is required");
  // A U-label domain is matched as its A-label (RFC 9525 §6.3); the output shows both.
  const auto domain = policy::normalize_reference_name(*given);
  if (!domain) return fail(kCmd, "recipient domain '" + policy::escape_for_display(*given) + "' " + domain.error().message);

  const auto setting = policy::parse_tls_setting(args.get("tls").value_or("required-verify"));
  if (!setting) return fail(kCmd, "--tls must be one of " + std::string(policy::kTlsSettingWords));
  auto at = args.get("at") ? policy::parse_rfc3339(*args.get("at")) : Result(std::chrono::system_clock::now());
  if (!at) return fail(kCmd, "--at " + at.error().message);

  policy::DeliveryFacts facts{.recipient_domain = *domain,
                              .mx_host = args.get("mx"),
                              .connected_ip = {},
                              .ptr = {},
                              .route_hosts = args.all("route-host")};
  if (const auto ip = args.get("ip")) {
    facts.connected_ip = policy::IpAddress::parse(*ip);
    if (!facts.connected_ip) return fail(kCmd, "--ip '" + policy::escape_for_display(*ip) + "' is not an IP address");
  }
  for (const auto& p : args.all("ptr")) {
    auto fact = parse_ptr(p);
    if (!fact) return fail(kCmd, fact.error().message);
    facts.ptr.push_back(std::move(*fact));
  }
  if (!facts.ptr.empty() && !facts.connected_ip) return fail(kCmd, "--ptr needs --ip: a PTR name is confirmed against it");

  auto text = mta::read_text_file(*chain_file);
  if (!text) return fail(kCmd, text.error().message);
  auto chain = tls::read_pem_certificates(*text, *chain_file);
  if (!chain) return fail(kCmd, chain.error().message);
  auto store = load_trust(ctx, args);
  if (!store) return fail(kCmd, store.error().message);

  auto trace = policy::verify_certificate(*setting, store->validate(*chain, *at), chain->front().names(), facts);
  if (!trace) return fail(kCmd, trace.error().message);
  auto dane = offline_dane(args, *setting, facts, *chain, *at);
  if (!dane) return fail(kCmd, dane.error().message);
  if (args.has("json")) {
    auto j = mta::trace_to_json(*trace);
    if (*dane) j["dane"] = mta::dane_to_json((*dane)->trace);
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << "Destination: " << policy::with_unicode_form(*domain);
    if (facts.mx_host) std::cout << " via MX " << *facts.mx_host;
    if (facts.by_route()) std::cout << " via SMTP route";
    if (facts.connected_ip) std::cout << " [" << facts.connected_ip->to_string() << "]";
    std::cout << "\n";
    if (*dane) std::cout << mta::render_dane_text((*dane)->trace) << "\n";
    std::cout << mta::render_trace_text(*trace);
  }
  // Usable TLSA replaces the ESA rules (DANE-MTA-STS.md §0): then DANE alone decides.
  if (*dane && (*dane)->state == policy::DaneState::kUsable) return (*dane)->trace.verified ? kExitOk : kExitNo;
  return trace->verified ? kExitOk : kExitNo;
}
}  // namespace sealpost::cli
