// Reading and atomically replacing Sealpost's own files (configuration, trustpoints): write a
// temporary file beside the target, fsync it, rename it over the target, fsync the directory
// — so a crash leaves either the old file or the new one, never half of either.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "policy/result.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxOwnFileOctets = 16u << 20;

// "-" reads standard input.
Result<std::string> read_text_file(const std::filesystem::path& path);

// A configuration file parsed by `parse` (policy::parse_destconfig, parse_smtproutes, …), or
// an empty T — the built-in defaults — when the file does not exist.
template <class T, class Parse>
Result<T> load_config_file(const std::filesystem::path& path, Parse parse) {
  if (!std::filesystem::exists(path)) return T{};
  auto text = read_text_file(path);
  if (!text) return text.error();
  return parse(*text, path.string());
}

// mode: e.g. 0644, or 0600 for files that hold passwords. A file it replaces keeps its owner
// and group (root editing a file the [server] user reads must not take it away).
Status write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode);

}  // namespace sealpost::mta
