// See args.h.
#include "tools/args.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "policy/domain_name.h"
#include "policy/route_destination.h"
#include "tools/commands.h"

namespace sealpost::cli {

std::optional<std::string> Args::get(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(std::string_view name) const {
  const auto it = values_.find(std::string(name));
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<Args> parse_args(std::span<const std::string> args, std::span<const OptionSpec> specs, std::size_t min_positionals,
                        std::size_t max_positionals) {
  Args out;
  bool options_done = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || !a.starts_with("--")) {
      out.positionals_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (!spec) return Error{"unknown option '--" + policy::escape_for_display(name) + "'"};
    if (!spec->repeatable && out.values_.contains(name)) return Error{"option '--" + name + "' given twice"};
    auto& values = out.values_[name];
    if (!spec->takes_value) {
      if (inline_value) return Error{"option '--" + name + "' takes no value"};
      continue;
    }
    if (inline_value) {
      values.push_back(*inline_value);
    } else if (i + 1 < args.size()) {
      values.push_back(args[++i]);
    } else {
      return Error{"option '--" + name + "' needs a value"};
    }
  }
  if (out.positionals_.size() < min_positionals) return Error{"missing argument"};
  if (out.positionals_.size() > max_positionals) {
    return Error{"unexpected argument '" + policy::escape_for_display(out.positionals_[max_positionals]) + "'"};
  }
  return out;
}

std::variant<Args, int> parse_command(const CommandSpec& spec, std::span<const std::string> argv) {
  auto parsed = parse_args(argv, spec.options, 0, spec.max_positionals);
  if (!parsed) {
    return fail(spec.name,
                policy::mask_password(parsed.error().message) + " (see 'sealpost " + std::string(spec.name) + " --help')");
  }
  if (parsed->has("help") || parsed->positionals().empty()) {
    std::cout << spec.help;
    return parsed->has("help") ? kExitOk : kExitBadInput;
  }
  return std::move(*parsed);
}

Result<std::optional<std::uint32_t>> count_option(const Args& args, std::string_view name, std::uint32_t min, std::uint32_t max) {
  const auto v = args.get(name);
  if (!v) return std::optional<std::uint32_t>{};
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) {
    return Error{"option '--" + std::string(name) + "' must be a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max)};
  }
  return std::optional<std::uint32_t>{n};
}

int fail(std::string_view what, std::string_view message) {
  std::cerr << "sealpost" << (what.empty() ? "" : " ") << what << ": " << message << "\n";
  return kExitBadInput;
}

std::string default_etc_dir() {
  if (const char* env = std::getenv("SEALPOST_ETC"); env && *env) return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto dir = exe.parent_path().filename();
  if (!ec && (dir == "bin" || dir == "sbin")) return "/etc/sealpost";
  return "etc";
}

}  // namespace sealpost::cli
