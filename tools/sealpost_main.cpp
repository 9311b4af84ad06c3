// `sealpost`: the administrator's command. Dispatches to the subcommands in commands.h.
#include <cstdlib>
#include <iostream>

#include "tls/library_version.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace {

constexpr std::string_view kUsage = R"(usage: sealpost [--etc DIR] COMMAND [ARGS]

Commands:
  tlsverify    check a destination's TLS verification and explain every decision
  destconfig   per-destination TLS policy: list, show, add, edit, delete, default, import, export
  smtproutes   SMTP routes: list, show, add, delete, import, export
  trust        trust anchors: import, list, show, delete
  dns          what delivery sees in DNS: mx, a, aaaa, ptr, tlsa, txt
  mta-sts      fetch: a domain's MTA-STS policy, discovered and fetched as delivery will
  send         send one message through a smarthost (AUTH inside TLS only)
  queue        the relay's queue: list, show, flush, delete, hold, release
  reload       make the running sealpostd read its configuration again
  status       the running sealpostd's counters: queue, deliveries, TLS outcomes, DNS
  debug        the running sealpostd's debug categories: dns, smtp, tls, pki, queue
  report       review the TLS outcome log: table/JSON/CSV, RFC 8460 reports, an HTML page
  check        what would stop or weaken sealpostd: files, trustpoints, certificate, spool
  version      this build's version and TLS library

Options:
  --etc DIR    configuration directory (default: $SEALPOST_ETC, else /etc/sealpost when
               installed, ./etc beside a build tree)

'sealpost COMMAND --help' describes a command.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace sealpost::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  Context ctx{.etc = default_etc_dir()};
  while (!args.empty() && args[0].starts_with("--etc")) {
    if (args[0] == "--etc" && args.size() >= 2) {
      ctx.etc = args[1];
      args.erase(args.begin(), args.begin() + 2);
    } else if (args[0].starts_with("--etc=")) {
      ctx.etc = args[0].substr(6);
      args.erase(args.begin());
    } else {
      return fail("", "option '--etc' needs a value");
    }
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? kExitBadInput : kExitOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "tlsverify") return cmd_tlsverify(ctx, args);
  if (command == "destconfig") return cmd_destconfig(ctx, args);
  if (command == "smtproutes") return cmd_smtproutes(ctx, args);
  if (command == "trust") return cmd_trust(ctx, args);
  if (command == "dns") return cmd_dns(ctx, args);
  if (command == "mta-sts") return cmd_mta_sts(ctx, args);
  if (command == "send") return cmd_send(ctx, args);
  if (command == "queue") return cmd_queue(ctx, args);
  if (command == "reload") return cmd_reload(ctx, args);
  if (command == "status") return cmd_status(ctx, args);
  if (command == "debug") return cmd_debug(ctx, args);
  if (command == "report") return cmd_report(ctx, args);
  if (command == "check") return cmd_check(ctx, args);
  if (command == "version") {
    if (!args.empty()) return fail("version", "takes no arguments");
    std::cout << "sealpost " SEALPOST_VERSION "\n" << sealpost::tls::library_version() << "\n";
    return kExitOk;
  }
  return fail("", "unknown command '" + command + "' (see 'sealpost --help')");
}
