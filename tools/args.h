// A small command-line parser for `sealpost` subcommands: `--name value`, `--name=value`,
// flags, repeatable options, positionals, `--` and `-` (standard input). Untrusted input:
// every error names the option and the command, and the caller exits with status 2.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "policy/result.h"

namespace sealpost::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitNo = 1;        // tlsverify: not verified
inline constexpr int kExitBadInput = 2;  // bad arguments, files or input: nothing was changed

// Where the configuration is when no --etc is given: $SEALPOST_ETC; else /etc/sealpost for a
// program installed in a bin/ or sbin/ directory (the package, `cmake --install`); else
// ./etc, for a program run from its build tree beside the checkout's etc/.
std::string default_etc_dir();

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = false;
  bool repeatable = false;
};

class Args {
 public:
  bool has(std::string_view name) const { return values_.contains(std::string(name)); }
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  friend Result<Args> parse_args(std::span<const std::string>, std::span<const OptionSpec>, std::size_t, std::size_t);

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

Result<Args> parse_args(std::span<const std::string> args, std::span<const OptionSpec> specs, std::size_t min_positionals,
                        std::size_t max_positionals);

// A command with subcommands (`sealpost destconfig list …`): parses its arguments, prints its
// help for --help or when no subcommand is given. Returns the Args (positionals()[0] is the
// subcommand), or the exit status to return. Parse errors never echo a password.
struct CommandSpec {
  std::string_view name;
  std::string_view help;
  std::span<const OptionSpec> options;
  std::size_t max_positionals;  // including the subcommand
};
std::variant<Args, int> parse_command(const CommandSpec& spec, std::span<const std::string> argv);

// An integer option within [min, max].
Result<std::optional<std::uint32_t>> count_option(const Args& args, std::string_view name, std::uint32_t min, std::uint32_t max);

}  // namespace sealpost::cli
