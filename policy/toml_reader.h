// Shared reading of Sealpost's TOML configuration files with toml++: parse errors and
// validation errors both come out as "FILE:LINE: message", naming the entry and key.
// Internal to policy/'s file parsers; include only from .cpp files (toml++ is heavy).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/result.h"

namespace sealpost::policy::toml_reader {

inline constexpr std::size_t kMaxConfigOctets = 16u << 20;  // a config file larger than this is refused

Result<toml::table> parse(std::string_view text, std::string_view source);

// The top-level entries in the order they stand in the file (toml++ iterates sorted by key),
// so that errors such as "repeats an earlier entry" point at the later line.
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& table);

// "FILE:LINE: " for a node (or the file alone when the node has no position).
std::string at(std::string_view source, const toml::node& node);

// Every key of `table` must be one of `allowed`.
Status check_keys(std::string_view source, const toml::table& table, std::string_view entry,
                  std::initializer_list<std::string_view> allowed);

// An integer key within [min, max], or absent.
Result<std::optional<std::uint32_t>> optional_count(std::string_view source, const toml::table& table, std::string_view entry,
                                                    std::string_view key, std::uint32_t min, std::uint32_t max);

// TOML needs a quoted key for anything but A-Za-z0-9_-; we always quote except the plain ones.
std::string key_text(std::string_view key);
// A basic TOML string with the escapes TOML requires.
std::string quoted(std::string_view value);

}  // namespace sealpost::policy::toml_reader
