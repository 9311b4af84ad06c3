// `sealpost smtproutes`: list, show, add, delete, import, export of SMTP routes
// (etc/smtproutes.toml, or --file). The file may hold passwords: it is written with mode
// 0600, and every listing masks them; only `export --reveal-passwords` prints them.
#include <iostream>
#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "policy/smtproutes.h"
#include "policy/destination_key.h"
#include "policy/domain_name.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "smtproutes";
constexpr std::string_view kHelp = R"(usage: sealpost smtproutes SUBCOMMAND [--file FILE]

  list [--json]                        every route (passwords masked)
  show DESTINATION [--json]            one route (passwords masked)
  add DESTINATION --host H [--host H…] [--implicit-tls]
                                       H is [user:password@]host[:port] or USEDNS; the host
                                       starts after the last '@', the user ends at the first
                                       ':'; write %40 for '@' or %3A for ':' in the user name
  delete DESTINATION
  import FILE|-                        replace the routes with a validated file
  export [--reveal-passwords]          print the routes (passwords masked unless asked)

DESTINATION is example.com, .example.com (subdomains) or ALL. FILE defaults to
ETC/smtproutes.toml.
)";

constexpr OptionSpec kOptions[] = {
    {.name = "file", .takes_value = true},
    {.name = "json"},
    {.name = "help"},
    {.name = "host", .takes_value = true, .repeatable = true},
    {.name = "implicit-tls"},
    {.name = "reveal-passwords"},
};

constexpr mode_t kSecretFileMode = 0600;

nlohmann::json to_json(const std::string& key, const policy::SmtpRoute& r) {
  nlohmann::json hosts = nlohmann::json::array();
  for (const auto& d : r.destinations) {
    hosts.push_back({{"host", d.host},
                     {"port", r.port_for(d)},
                     {"implicit_tls", r.implicit_tls_for(d)},
                     {"user", d.credentials ? nlohmann::json(d.credentials->user) : nlohmann::json(nullptr)},
                     {"destination", d.to_string()}});
  }
  nlohmann::json j = {{"destination", key}, {"use_dns", r.use_dns()}, {"implicit_tls", r.implicit_tls}, {"hosts", hosts}};
  if (const std::string u = policy::unicode_form(key); !u.empty()) j["destination_unicode"] = u;
  return j;
}

// DESTINATION as the table keys it: A-labels for a U-label given, with both forms said.
std::string stored_key(const std::string& given) {
  const auto key = policy::normalize_destination_key(given, policy::SmtpRoutes::kAllKey);
  return policy::with_unicode_form(key ? *key : given);
}

Status save(const std::filesystem::path& file, const policy::SmtpRoutes& routes) {
  return mta::write_file_atomic(file, policy::serialize_smtproutes(routes, policy::RouteDestination::Secrets::kReveal),
                                kSecretFileMode);
}

}  // namespace

int cmd_smtproutes(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 2}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  const std::string sub = pos[0];
  const std::filesystem::path file = args.get("file").value_or((ctx.etc / "smtproutes.toml").string());
  if ((args.has("host") || args.has("implicit-tls")) && sub != "add") {
    return fail(kCmd, "--host and --implicit-tls go with 'add'");
  }

  if (sub == "import") {
    if (pos.size() != 2) return fail(kCmd, "usage: smtproutes import FILE|-");
    auto text = mta::read_text_file(pos[1]);
    if (!text) return fail(kCmd, text.error().message);
    auto routes = policy::parse_smtproutes(*text, pos[1] == "-" ? "<stdin>" : pos[1]);
    if (!routes) return fail(kCmd, routes.error().message + " (nothing was changed)");
    if (auto s = save(file, *routes); !s) return fail(kCmd, s.error().message);
    std::cout << "imported " << routes->entries().size() << " routes into " << file.string() << "\n";
    return kExitOk;
  }

  auto routes = mta::load_config_file<policy::SmtpRoutes>(file, policy::parse_smtproutes);
  if (!routes) return fail(kCmd, routes.error().message);

  if (sub == "list") {
    if (pos.size() != 1) return fail(kCmd, "usage: smtproutes list [--json]");
    if (args.has("json")) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [key, r] : routes->entries()) list.push_back(to_json(key, r));
      std::cout << list.dump(2) << "\n";
      return kExitOk;
    }
    if (routes->entries().empty()) std::cout << "no SMTP routes: all mail is delivered by MX\n";
    for (const auto& [key, r] : routes->entries()) {
      std::printf("%-32s %s\n", policy::with_unicode_form(key).c_str(), policy::describe(r).c_str());
    }
    return kExitOk;
  }
  if (sub == "show") {
    if (pos.size() != 2) return fail(kCmd, "usage: smtproutes show DESTINATION [--json]");
    const auto wanted = policy::normalize_destination_key(pos[1], policy::SmtpRoutes::kAllKey);
    const auto it = wanted ? routes->entries().find(*wanted) : routes->entries().end();
    const policy::SmtpRoute* r = it != routes->entries().end() ? &it->second : routes->lookup(pos[1]);
    if (!r) return fail(kCmd, "no route applies to '" + pos[1] + "': it is delivered by MX");
    std::string key;
    for (const auto& [k, v] : routes->entries()) {
      if (&v == r) key = k;
    }
    if (args.has("json")) {
      std::cout << to_json(key, *r).dump(2) << "\n";
    } else {
      std::printf("%-32s %s\n", policy::with_unicode_form(key).c_str(), policy::describe(*r).c_str());
    }
    return kExitOk;
  }
  if (sub == "export") {
    if (pos.size() != 1) return fail(kCmd, "usage: smtproutes export [--reveal-passwords]");
    std::cout << policy::serialize_smtproutes(*routes, args.has("reveal-passwords") ? policy::RouteDestination::Secrets::kReveal
                                                                                    : policy::RouteDestination::Secrets::kMask);
    return kExitOk;
  }
  if (sub == "add") {
    if (pos.size() != 2) return fail(kCmd, "usage: smtproutes add DESTINATION --host H [--host H...]");
    auto route = policy::make_route(args.all("host"), args.has("implicit-tls"));
    if (!route) return fail(kCmd, route.error().message);
    const std::string shown = policy::describe(*route);
    if (auto s = routes->add(pos[1], std::move(*route)); !s) return fail(kCmd, s.error().message);
    if (auto s = save(file, *routes); !s) return fail(kCmd, s.error().message);
    std::cout << "added " << stored_key(pos[1]) << ": " << shown << "\n";
    return kExitOk;
  }
  if (sub == "delete") {
    if (pos.size() != 2) return fail(kCmd, "usage: smtproutes delete DESTINATION");
    if (auto s = routes->remove(pos[1]); !s) return fail(kCmd, s.error().message);
    if (auto s = save(file, *routes); !s) return fail(kCmd, s.error().message);
    std::cout << "deleted " << stored_key(pos[1]) << "\n";
    return kExitOk;
  }
  return fail(kCmd, "unknown subcommand '" + sub + "' (see 'sealpost smtproutes --help')");
}

}  // namespace sealpost::cli
