// The `sealpost` subcommands. Each takes its arguments after the subcommand name and returns
// the process exit status (args.h: 0 ok, 1 "no" where a command answers a question, 2 bad
// input). Output goes to stdout, one-line errors to stderr as "sealpost CMD: message".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sealpost::cli {

struct Context {
  std::filesystem::path etc;  // configuration directory (--etc, $SEALPOST_ETC, or ./etc)
  std::filesystem::path trust_dir() const { return etc / "trust"; }
};

int cmd_tlsverify(const Context& ctx, const std::vector<std::string>& args);
int cmd_destconfig(const Context& ctx, const std::vector<std::string>& args);
int cmd_smtproutes(const Context& ctx, const std::vector<std::string>& args);
int cmd_trust(const Context& ctx, const std::vector<std::string>& args);
int cmd_dns(const Context& ctx, const std::vector<std::string>& args);
int cmd_mta_sts(const Context& ctx, const std::vector<std::string>& args);
int cmd_send(const Context& ctx, const std::vector<std::string>& args);
int cmd_queue(const Context& ctx, const std::vector<std::string>& args);
int cmd_reload(const Context& ctx, const std::vector<std::string>& args);
int cmd_status(const Context& ctx, const std::vector<std::string>& args);
int cmd_debug(const Context& ctx, const std::vector<std::string>& args);
int cmd_report(const Context& ctx, const std::vector<std::string>& args);
int cmd_check(const Context& ctx, const std::vector<std::string>& args);

class Args;
// `tlsverify` without --offline: its arguments are parsed by cmd_tlsverify.
int tlsverify_live(const Context& ctx, const Args& args);

// Prints "sealpost WHAT: message" on stderr and returns kExitBadInput.
int fail(std::string_view what, std::string_view message);

}  // namespace sealpost::cli
