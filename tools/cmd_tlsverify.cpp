// `sealpost tlsverify --offline`: verifies a chain file against the DNS facts given on the
// command line, exactly as delivery would (TLS-POLICY.md), and prints the trace. The option
// names are a stable interface (DESIGN.md). Untrusted: every argument and the chain file.
// The live form (connecting to the MX hosts) comes with the SMTP client.
#include <iostream>

#include "mta/config_file.h"
#include "mta/trace_render.h"
#include "policy/domain_name.h"
#include "tls/pem.h"
#include "tls/trust_store.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/rfc3339.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kHelp = R"(usage: sealpost tlsverify --offline --chain FILE --recipient-domain D [options]

Verifies a server certificate chain as delivery would, and explains every decision.
Exit status: 0 verified, 1 not verified, 2 bad input.

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
  --at TIME                 validation time, RFC 3339 (default: now)
  --json                    print the trace as JSON
)";

constexpr OptionSpec kOptions[] = {
    {.name = "offline"},        {.name = "chain", .takes_value = true},
    {.name = "trust", .takes_value = true, .repeatable = true},
    {.name = "no-system-trust"}, {.name = "tls", .takes_value = true},
    {.name = "recipient-domain", .takes_value = true},
    {.name = "mx", .takes_value = true}, {.name = "ip", .takes_value = true},
    {.name = "ptr", .takes_value = true, .repeatable = true},
    {.name = "route-host", .takes_value = true, .repeatable = true},
    {.name = "at", .takes_value = true}, {.name = "json"}, {.name = "help"},
};

Result<policy::PtrFact> parse_ptr(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return Error{"--ptr '" + policy::escape_for_display(text) + "' must be NAME=ADDR[,ADDR...]"};
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

Result<tls::TrustStore> load_trust(const Context& ctx, const Args& args) {
  tls::TrustStore store;
  const auto trusts = args.all("trust");
  for (const auto& t : trusts) {
    const std::filesystem::path as_name = ctx.trust_dir() / (t + ".pem");
    const bool is_name = tls::check_trustpoint_name(t) && std::filesystem::exists(as_name);
    if (!is_name && !std::filesystem::exists(t)) {
      return Error{"--trust '" + t + "' is neither a file nor a trustpoint in " + ctx.trust_dir().string()};
    }
    auto tp = tls::load_trustpoint_file(is_name ? as_name : std::filesystem::path(t),
                                        is_name ? t : std::filesystem::path(t).stem().string());
    if (!tp) return tp.error();
    store.add(std::move(*tp));
  }
  if (trusts.empty()) {
    if (auto s = store.load_directory(ctx.trust_dir()); !s) return s.error();
  }
  if (!args.has("no-system-trust")) {
    if (auto s = store.load_system_bundle(); !s) return s.error();
  }
  return store;
}

}  // namespace

int cmd_tlsverify(const Context& ctx, const std::vector<std::string>& argv) {
  constexpr std::string_view kCmd = "tlsverify";
  auto parsed = parse_args(argv, kOptions, 0, 0);
  if (!parsed) return fail(kCmd, parsed.error().message + " (see 'sealpost tlsverify --help')");
  const Args& args = *parsed;
  if (args.has("help") || argv.empty()) {
    std::cout << kHelp;
    return argv.empty() ? kExitBadInput : kExitOk;
  }
  if (!args.has("offline")) {
    return fail(kCmd, "connecting to a live server is not built yet: give --offline with --chain and the DNS facts");
  }
  const auto chain_file = args.get("chain");
  if (!chain_file) return fail(kCmd, "--chain FILE is required with --offline");
  const auto domain = args.get("recipient-domain");
  if (!domain) return fail(kCmd, "--recipient-domain is required");

  const auto setting = policy::parse_tls_setting(args.get("tls").value_or("required-verify"));
  if (!setting) return fail(kCmd, "--tls must be one of " + std::string(policy::kTlsSettingWords));
  auto at = args.get("at") ? parse_rfc3339(*args.get("at")) : Result(std::chrono::system_clock::now());
  if (!at) return fail(kCmd, "--at " + at.error().message);

  policy::DeliveryFacts facts{.recipient_domain = *domain, .mx_host = args.get("mx"), .connected_ip = {}, .ptr = {},
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
  if (args.has("json")) {
    std::cout << mta::render_trace_json(*trace, 2) << "\n";
  } else {
    std::cout << "Destination: " << *domain;
    if (facts.mx_host) std::cout << " via MX " << *facts.mx_host;
    if (facts.by_route()) std::cout << " via SMTP route";
    if (facts.connected_ip) std::cout << " [" << facts.connected_ip->to_string() << "]";
    std::cout << "\n" << mta::render_trace_text(*trace);
  }
  return trace->verified ? kExitOk : kExitNo;
}
}  // namespace sealpost::cli
