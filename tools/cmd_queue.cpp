// `sealpost queue list|show ID|flush [ID]|delete ID|hold ID|release ID [--json]`,
// `sealpost reload`, `sealpost status [--json]` and `sealpost debug [CATEGORY on|off]`: the
// administrator's view of the daemon
// named by ETC/sealpost.toml. list and show read the spool itself (they work with the daemon
// stopped); the others ask the daemon over its control socket (mta/daemon/control_socket.h). With
// the daemon stopped, delete/hold/release change the spool directly under the spool's lock.
// Exit status: 0 done, 1 no such message / daemon not running / refused, 2 bad input.
#include <iostream>
#include <nlohmann/json.hpp>

#include "mta/config/relay_config_file.h"
#include "mta/daemon/control_socket.h"
#include "mta/queue/spool.h"
#include "policy/time_format.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kCmd = "queue";
constexpr std::string_view kHelp = R"(usage: sealpost queue list|show ID|flush [ID]|delete ID|hold ID|release ID [--json]

The relay's queue (the spool of ETC/sealpost.toml):
  list          every queued message: ID, size, arrival, sender, and per recipient
                whether it is pending, and why the last attempt deferred it
  show ID       one message: envelope, recipient states and the message itself
  flush [ID]    try the message (or every message) now instead of at its retry time
  hold ID       keep the message in the queue without delivering it
  release ID    deliver a held message again, now
  delete ID     remove the message without delivering or bouncing it
--json: list and show as JSON.
list and show read the spool directly; the others ask the running sealpostd, or, when it
is stopped, change the spool directly (delete, hold, release).
)";
constexpr OptionSpec kOptions[] = {{.name = "json"}};

json message_json(const mta::QueuedMessage& m, const mta::QueueState& st) {
  json rcpts = json::array();
  for (const auto& r : m.envelope.recipients) {
    json one{{"address", r}, {"status", "pending"}, {"status_code", nullptr}, {"reason", nullptr}};
    for (const auto& f : st.finished) {
      if (f.address == r)
        one = {{"address", r}, {"status", mta::to_string(f.status)}, {"status_code", f.status_code}, {"reason", f.reply}};
    }
    for (const auto& d : st.last_deferred) {
      if (d.address == r) one = {{"address", r}, {"status", "deferred"}, {"status_code", d.status_code}, {"reason", d.reply}};
    }
    rcpts.push_back(one);
  }
  const json next =
      st.next_attempt == 0 ? json(nullptr) : json(policy::rfc3339_utc(std::chrono::system_clock::from_time_t(st.next_attempt)));
  return {{"id", m.id},
          {"size", m.envelope.content.size()},
          {"received", m.received},
          {"client", m.client},
          {"sender", m.envelope.from},
          {"held", st.held},
          {"attempts", st.attempts},
          {"next_attempt", next},
          {"recipients", rcpts}};
}

void print_entry(const json& j) {
  std::printf("%-16s %9zu %-20s %s%s\n", j["id"].get<std::string>().c_str(), j["size"].get<std::size_t>(),
              j["received"].get<std::string>().c_str(),
              j["sender"].get<std::string>().empty() ? "<>" : j["sender"].get<std::string>().c_str(),
              j["held"].get<bool>() ? "  (held)" : "");
  for (const auto& r : j["recipients"]) {
    const std::string status = r["status"];
    if (status == "sent" || status == "bounced") continue;  // done: not part of the queue
    if (!r["reason"].is_null())
      std::printf("%48s(%s %s)\n", "", r["status_code"].get<std::string>().c_str(), r["reason"].get<std::string>().c_str());
    std::printf("%48s%s\n", "", r["address"].get<std::string>().c_str());
  }
  std::printf("\n");
}

int list(const mta::Spool& spool, bool as_json) {
  json all = json::array();
  std::uint64_t bytes = 0;
  for (const auto& id : spool.list()) {
    auto m = spool.load(id);
    if (!m) continue;  // delivered and removed while we read, or corrupt (the daemon quarantines it)
    bytes += m->envelope.content.size();
    all.push_back(message_json(*m, spool.state(id)));
  }
  if (as_json) {
    std::cout << all.dump(2) << "\n";
    return kExitOk;
  }
  if (all.empty()) {
    std::cout << "Mail queue is empty\n";
    return kExitOk;
  }
  std::printf("%-16s %9s %-20s %s\n", "-Queue ID-", "--Size--", "----Arrival Time----", "-Sender/Recipient-------");
  for (const auto& j : all) print_entry(j);
  std::printf("-- %llu Kbytes in %zu Request%s.\n", static_cast<unsigned long long>((bytes + 1023) / 1024), all.size(),
              all.size() == 1 ? "" : "s");
  return kExitOk;
}

int show(const mta::Spool& spool, const std::string& id, bool as_json) {
  auto m = spool.load(id);
  if (!m) {
    std::cerr << "sealpost queue: " << id << ": no such message in the queue\n";
    return kExitNo;
  }
  const json j = message_json(*m, spool.state(id));
  if (as_json) {
    json full = j;
    full["content"] = m->envelope.content;
    std::cout << full.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "queue ID: " << id << "\nreceived: " << m->received << " from " << m->client << "\nsender: <" << m->envelope.from
            << ">\nattempts: " << j["attempts"] << (j["held"].get<bool>() ? " (held)" : "") << "\n";
  for (const auto& r : j["recipients"]) {
    std::cout << "recipient: <" << r["address"].get<std::string>() << "> " << r["status"].get<std::string>();
    if (!r["reason"].is_null())
      std::cout << " (" << r["status_code"].get<std::string>() << " " << r["reason"].get<std::string>() << ")";
    std::cout << "\n";
  }
  std::cout << "\n" << m->envelope.content;
  return kExitOk;
}

// The daemon is stopped: change the spool directly, holding its lock so that a daemon
// starting meanwhile waits for us rather than racing us.
int offline(mta::Spool& spool, const std::string& verb, const std::string& id) {
  const auto lock = mta::SpoolLock::acquire(spool.directory());
  if (!lock) return fail(kCmd, lock.error().message + ": sealpostd holds it but does not answer on its control socket");
  if (!spool.load(id)) {
    std::cerr << "sealpost queue: " << id << ": no such message in the queue\n";
    return kExitNo;
  }
  if (verb == "delete") {
    if (auto s = spool.remove(id); !s) return fail(kCmd, s.error().message);
    std::cout << id << ": deleted (sealpostd is not running)\n";
    return kExitOk;
  }
  mta::QueueState st = spool.state(id);
  st.held = verb == "hold";
  if (verb == "release") st.next_attempt = 0;
  if (auto s = spool.save_state(id, st); !s) return fail(kCmd, s.error().message);
  std::cout << id << ": " << (verb == "hold" ? "held" : "released") << " (sealpostd is not running)\n";
  return kExitOk;
}

// Sends `request` to the daemon; prints its answer.
int ask(const policy::RelayConfig& config, const std::string& request, std::string_view cmd) {
  auto answer = mta::control_request(mta::control_socket_path(config), request);
  if (!answer) {
    std::cerr << "sealpost " << cmd << ": " << answer.error().message << "\n";
    return kExitNo;
  }
  (answer->exit_status == 0 ? std::cout : std::cerr) << answer->output;
  return answer->exit_status;
}

}  // namespace

int cmd_queue(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 2}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  const std::string& sub = pos[0];
  const bool takes_id = sub == "show" || sub == "delete" || sub == "hold" || sub == "release";
  if (sub != "list" && sub != "flush" && !takes_id) return fail(kCmd, "unknown subcommand '" + sub + "' (see --help)");
  if (takes_id && pos.size() != 2) return fail(kCmd, "'" + sub + "' needs a queue ID");
  if (sub == "list" && pos.size() != 1) return fail(kCmd, "'list' takes no argument");
  if (pos.size() == 2 && !mta::valid_queue_id(pos[1])) return fail(kCmd, "'" + pos[1] + "' is not a queue ID (16 hex digits)");
  if (args.has("json") && sub != "list" && sub != "show") return fail(kCmd, "--json is for 'list' and 'show'");
  auto config = mta::load_relay_config(ctx.etc);
  if (!config) return fail(kCmd, config.error().message);
  if (!std::filesystem::is_directory(std::filesystem::path(config->spool_directory) / "queue")) {
    return fail(kCmd, config->spool_directory + ": no spool here (has sealpostd run with this configuration?)");
  }
  auto spool = mta::Spool::open(config->spool_directory);
  if (!spool) return fail(kCmd, spool.error().message);
  if (sub == "list") return list(*spool, args.has("json"));
  if (sub == "show") return show(*spool, pos[1], args.has("json"));
  const std::string request = pos.size() == 2 ? sub + " " + pos[1] : sub;
  if (sub != "flush" && !std::filesystem::exists(mta::control_socket_path(*config))) return offline(*spool, sub, pos[1]);
  return ask(*config, request, kCmd);
}

int cmd_reload(const Context& ctx, const std::vector<std::string>& argv) {
  if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
    std::cout << "usage: sealpost reload\n\nAsks the running sealpostd to read its configuration again (as SIGHUP does).\n"
                 "A file that does not validate is refused with its error; the running configuration stays.\n";
    return kExitOk;
  }
  if (!argv.empty()) return fail("reload", "takes no arguments");
  auto config = mta::load_relay_config(ctx.etc);
  if (!config) return fail("reload", config.error().message);
  return ask(*config, "reload", "reload");
}

int cmd_status(const Context& ctx, const std::vector<std::string>& argv) {
  constexpr OptionSpec kStatusOptions[] = {{.name = "json"}, {.name = "help"}};
  auto args = parse_args(argv, kStatusOptions, 0, 0);
  if (!args) return fail("status", args.error().message + " (usage: sealpost status [--json])");
  if (args->has("help")) {
    std::cout << "usage: sealpost status [--json]\n\nThe running sealpostd's counters: queue sizes, deliveries, TLS outcomes\n"
                 "per setting (verified, encrypted, plaintext, failures by stage) and DNS cache hits.\n";
    return kExitOk;
  }
  auto config = mta::load_relay_config(ctx.etc);
  if (!config) return fail("status", config.error().message);
  return ask(*config, args->has("json") ? "status --json" : "status", "status");
}

int cmd_debug(const Context& ctx, const std::vector<std::string>& argv) {
  if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
    std::cout << "usage: sealpost debug [CATEGORY on|off]\n\nShows, or switches, the running sealpostd's debug categories:\n"
                 "dns (queries and answers), smtp (the dialogue, never message content), tls (handshakes),\n"
                 "pki (chain and identity decisions), queue (scheduling). etc/sealpost.toml [log] debug\n"
                 "sets them at start and at every reload.\n";
    return kExitOk;
  }
  if (!argv.empty() && argv.size() != 2) return fail("debug", "usage: sealpost debug [CATEGORY on|off]");
  if (argv.size() == 2 && (!policy::is_debug_category(argv[0]) || (argv[1] != "on" && argv[1] != "off"))) {
    return fail("debug", "usage: sealpost debug [CATEGORY on|off]; CATEGORY is one of " + std::string(policy::kDebugCategories));
  }
  auto config = mta::load_relay_config(ctx.etc);
  if (!config) return fail("debug", config.error().message);
  return ask(*config, argv.empty() ? "debug" : "debug " + argv[0] + " " + argv[1], "debug");
}

}  // namespace sealpost::cli
