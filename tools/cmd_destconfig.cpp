// `sealpost destconfig`: list, show, add, edit, delete, default, import, export of the
// per-destination TLS policy file (etc/destconfig.toml, or --file). Every change is
// validated as a whole and written atomically; a bad file or import changes nothing.
#include <iostream>
#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "policy/destconfig.h"
#include "policy/destination_key.h"
#include "policy/domain_name.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "destconfig";
constexpr std::string_view kHelp = R"(usage: sealpost destconfig SUBCOMMAND [--file FILE]

  list [--json]                     every entry, with the values that apply to it
  show DESTINATION [--json]         one entry (or what applies to a domain: --lookup)
  add DESTINATION [SETTINGS]        a new entry: example.com, .example.com, or an IP
  edit DESTINATION [SETTINGS]       change an entry
  delete DESTINATION                remove an entry
  default [SETTINGS]                show (no settings) or change the default entry
  import FILE|-                     replace the table with a validated file
  export [FILE]                     write the table to FILE or standard output

SETTINGS:
  --tls no|preferred|required|preferred-verify|required-verify|required-verify-hosted
  --max-connections N               concurrent connections to the destination (1-1000)
  --max-messages-per-connection N   messages sent over one connection (1-10000)
  --max-recipients-per-message N    recipients per message transaction (1-1000)
  --dane off|opportunistic|mandatory
                                    DANE (RFC 7672) for the destination's MX hosts; inert
                                    until sealpost.toml [dns] dnssec = "trust-ad"
  --dane-insecure-mx dane|skip      DANE for a signed host below an unsigned MX RRset
  --mta-sts off|on|enforce-testing  MTA-STS (RFC 8461) for the destination: on enforces an
                                    `enforce` policy and records what a `testing` one would
                                    refuse; enforce-testing enforces both; off ignores it

FILE defaults to ETC/destconfig.toml.
)";

constexpr OptionSpec kOptions[] = {
    {.name = "file", .takes_value = true},
    {.name = "json"},
    {.name = "lookup"},
    {.name = "help"},
    {.name = "tls", .takes_value = true},
    {.name = "max-connections", .takes_value = true},
    {.name = "max-messages-per-connection", .takes_value = true},
    {.name = "max-recipients-per-message", .takes_value = true},
    {.name = "dane", .takes_value = true},
    {.name = "dane-insecure-mx", .takes_value = true},
    {.name = "mta-sts", .takes_value = true},
};

Result<policy::DestinationControls> settings(const Args& args) {
  policy::DestinationControls c;
  if (const auto t = args.get("tls")) {
    c.tls = policy::parse_tls_setting(*t);
    if (!c.tls) return Error{"--tls must be one of " + std::string(policy::kTlsSettingWords)};
  }
  if (const auto d = args.get("dane")) {
    c.dane = policy::parse_dane_mode(*d);
    if (!c.dane) return Error{"--dane must be one of " + std::string(policy::kDaneModeWords)};
  }
  if (const auto d = args.get("dane-insecure-mx")) {
    c.dane_insecure_mx = policy::parse_dane_insecure_mx(*d);
    if (!c.dane_insecure_mx) return Error{"--dane-insecure-mx must be one of " + std::string(policy::kDaneInsecureMxWords)};
  }
  if (const auto d = args.get("mta-sts")) {
    c.mta_sts = policy::parse_sts_setting(*d);
    if (!c.mta_sts) return Error{"--mta-sts must be one of " + std::string(policy::kStsSettingWords)};
  }
  auto conns = count_option(args, "max-connections", 1, policy::kMaxConnectionsLimit);
  if (!conns) return conns.error();
  auto msgs = count_option(args, "max-messages-per-connection", 1, policy::kMaxMessagesPerConnectionLimit);
  if (!msgs) return msgs.error();
  auto rcpts = count_option(args, "max-recipients-per-message", 1, policy::kMaxRecipientsPerMessageLimit);
  if (!rcpts) return rcpts.error();
  c.max_connections = *conns;
  c.max_messages_per_connection = *msgs;
  c.max_recipients_per_message = *rcpts;
  return c;
}

bool has_settings(const policy::DestinationControls& c) { return c != policy::DestinationControls{}; }

nlohmann::json to_json(const policy::EffectiveDestination& e, const policy::DestinationControls& own) {
  nlohmann::json set = nlohmann::json::array();
  if (own.tls) set.push_back("tls");
  if (own.max_connections) set.push_back("max-connections");
  if (own.max_messages_per_connection) set.push_back("max-messages-per-connection");
  if (own.max_recipients_per_message) set.push_back("max-recipients-per-message");
  if (own.dane) set.push_back("dane");
  if (own.dane_insecure_mx) set.push_back("dane-insecure-mx");
  if (own.mta_sts) set.push_back("mta-sts");
  nlohmann::json j = {{"destination", e.entry},
                      {"tls", policy::to_string(e.tls)},
                      {"max_connections", e.max_connections},
                      {"max_messages_per_connection", e.max_messages_per_connection},
                      {"max_recipients_per_message", e.max_recipients_per_message},
                      {"dane", policy::to_string(e.dane)},
                      {"mta_sts", policy::to_string(e.mta_sts)},
                      {"dane_insecure_mx", policy::to_string(e.dane_insecure_mx)},
                      {"set_here", set}};
  if (const std::string u = policy::unicode_form(e.entry); !u.empty()) j["destination_unicode"] = u;
  return j;
}

std::string cell(std::uint32_t value, bool own) { return own ? std::to_string(value) : "(" + std::to_string(value) + ")"; }

void print_table(const policy::DestConfig& config) {
  std::printf("%-32s %-24s %-10s %-10s %-10s %-15s %s\n", "DESTINATION", "TLS", "MAX-CONN", "MSGS/CONN", "RCPTS/MSG", "DANE",
              "MTA-STS");
  const auto row = [&](const std::string& key, const policy::DestinationControls& own) {
    const auto e = *config.effective(key);
    const std::string tls = own.tls ? std::string(policy::to_string(e.tls)) : "(" + std::string(policy::to_string(e.tls)) + ")";
    const auto word = [](std::string_view w, bool here) { return here ? std::string(w) : "(" + std::string(w) + ")"; };
    const std::string dane = word(policy::to_string(e.dane), own.dane.has_value());
    const std::string sts = word(policy::to_string(e.mta_sts), own.mta_sts.has_value());
    std::printf("%-32s %-24s %-10s %-10s %-10s %-15s %s\n", policy::with_unicode_form(key).c_str(), tls.c_str(),
                cell(e.max_connections, own.max_connections.has_value()).c_str(),
                cell(e.max_messages_per_connection, own.max_messages_per_connection.has_value()).c_str(),
                cell(e.max_recipients_per_message, own.max_recipients_per_message.has_value()).c_str(), dane.c_str(),
                sts.c_str());
  };
  row(std::string(policy::DestConfig::kDefaultKey), config.default_entry());
  for (const auto& [key, own] : config.entries()) row(key, own);
  std::printf("(values in parentheses come from the default entry or the built-in defaults)\n");
}

void print_entry(const policy::EffectiveDestination& e, const policy::DestinationControls& own) {
  const auto from = [](bool here) { return here ? "" : "   (default)"; };
  std::printf("destination:                  %s\n", policy::with_unicode_form(e.entry).c_str());
  std::printf("tls:                          %s%s\n", std::string(policy::to_string(e.tls)).c_str(), from(own.tls.has_value()));
  std::printf("max-connections:              %u%s\n", e.max_connections, from(own.max_connections.has_value()));
  std::printf("max-messages-per-connection:  %u%s\n", e.max_messages_per_connection,
              from(own.max_messages_per_connection.has_value()));
  std::printf("max-recipients-per-message:   %u%s\n", e.max_recipients_per_message,
              from(own.max_recipients_per_message.has_value()));
  std::printf("dane:                         %s%s\n", std::string(policy::to_string(e.dane)).c_str(),
              e.tls == policy::TlsSetting::kNo ? "   (tls = no)" : from(own.dane.has_value()));
  std::printf("dane-insecure-mx:             %s%s\n", std::string(policy::to_string(e.dane_insecure_mx)).c_str(),
              from(own.dane_insecure_mx.has_value()));
  std::printf("mta-sts:                      %s%s\n", std::string(policy::to_string(e.mta_sts)).c_str(),
              e.tls == policy::TlsSetting::kNo ? "   (tls = no)" : from(own.mta_sts.has_value()));
}

}  // namespace

int cmd_destconfig(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 2}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  const std::string sub = pos[0];
  const std::filesystem::path file = args.get("file").value_or((ctx.etc / "destconfig.toml").string());
  const auto need = [&](std::size_t n) { return pos.size() == n; };
  auto control = settings(args);
  if (!control) return fail(kCmd, control.error().message);
  const bool changes = has_settings(*control);
  if (changes && sub != "add" && sub != "edit" && sub != "default") {
    return fail(kCmd, "'" + sub + "' takes no --tls, --dane*, --mta-sts or --max-* options");
  }

  if (sub == "import") {
    if (!need(2)) return fail(kCmd, "usage: destconfig import FILE|-");
    auto text = mta::read_text_file(pos[1]);
    if (!text) return fail(kCmd, text.error().message);
    auto config = policy::parse_destconfig(*text, pos[1] == "-" ? "<stdin>" : pos[1]);
    if (!config) return fail(kCmd, config.error().message + " (nothing was changed)");
    if (auto s = mta::write_file_atomic(file, policy::serialize_destconfig(*config), 0644); !s) {
      return fail(kCmd, s.error().message);
    }
    std::cout << "imported " << config->entries().size() + 1 << " entries into " << file.string() << "\n";
    return kExitOk;
  }

  auto config = mta::load_config_file<policy::DestConfig>(file, policy::parse_destconfig);
  if (!config) return fail(kCmd, config.error().message);

  if (sub == "list") {
    if (!need(1)) return fail(kCmd, "usage: destconfig list [--json]");
    if (args.has("json")) {
      nlohmann::json list = nlohmann::json::array();
      list.push_back(to_json(*config->effective("default"), config->default_entry()));
      for (const auto& [key, own] : config->entries()) list.push_back(to_json(*config->effective(key), own));
      std::cout << list.dump(2) << "\n";
    } else {
      print_table(*config);
    }
    return kExitOk;
  }
  if (sub == "show" || (sub == "default" && !changes)) {
    if (sub == "show" && !need(2)) return fail(kCmd, "usage: destconfig show DESTINATION [--json] [--lookup]");
    const std::string key = sub == "default" ? "default" : pos[1];
    std::optional<policy::EffectiveDestination> e;
    if (args.has("lookup")) {
      e = config->lookup(key);  // what delivery to this domain would use
    } else {
      e = config->effective(key);
      if (!e) return fail(kCmd, "no entry '" + key + "' (use --lookup to see what applies to a domain)");
    }
    const auto own_it = config->entries().find(e->entry);
    const policy::DestinationControls own = e->entry == "default"               ? config->default_entry()
                                            : own_it != config->entries().end() ? own_it->second
                                                                                : policy::DestinationControls{};
    if (args.has("json")) {
      std::cout << to_json(*e, own).dump(2) << "\n";
    } else {
      print_entry(*e, own);
    }
    return kExitOk;
  }
  if (sub == "export") {
    if (pos.size() > 2) return fail(kCmd, "usage: destconfig export [FILE]");
    const std::string text = policy::serialize_destconfig(*config);
    if (pos.size() == 1) {
      std::cout << text;
      return kExitOk;
    }
    if (auto s = mta::write_file_atomic(pos[1], text, 0644); !s) return fail(kCmd, s.error().message);
    return kExitOk;
  }

  Status changed = ok();
  std::string done;
  if (sub == "add" || sub == "edit") {
    if (!need(2)) return fail(kCmd, "usage: destconfig " + sub + " DESTINATION [SETTINGS]");
    if (!changes)
      return fail(
          kCmd,
          sub + " needs at least one of --tls, --max-connections, --max-messages-per-connection, --max-recipients-per-message");
    changed = sub == "add" ? config->add(pos[1], *control) : config->edit(pos[1], *control);
    done = sub == "add" ? "added" : "changed";
  } else if (sub == "delete") {
    if (!need(2)) return fail(kCmd, "usage: destconfig delete DESTINATION");
    changed = config->remove(pos[1]);
    done = "deleted";
  } else if (sub == "default") {
    if (!need(1)) return fail(kCmd, "usage: destconfig default [SETTINGS]");
    config->edit_default(*control);
    done = "changed";
  } else {
    return fail(kCmd, "unknown subcommand '" + sub + "' (see 'sealpost destconfig --help')");
  }
  if (!changed) return fail(kCmd, changed.error().message);
  if (auto s = mta::write_file_atomic(file, policy::serialize_destconfig(*config), 0644); !s) {
    return fail(kCmd, s.error().message);
  }
  // The key as stored: a U-label given is said with the A-label it became (RFC 5891).
  const auto key = policy::normalize_destination_key(sub == "default" ? "default" : pos[1], policy::DestConfig::kDefaultKey);
  std::cout << done << " " << policy::with_unicode_form(key ? *key : pos[1]) << " in " << file.string() << "\n";
  return kExitOk;
}

}  // namespace sealpost::cli
