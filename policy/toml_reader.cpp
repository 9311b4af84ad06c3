// See toml_reader.h. toml++ throws toml::parse_error; it is caught here, at the boundary.
#include "policy/toml_reader.h"

#include <algorithm>
#include <cstdio>

#include "policy/domain_name.h"

namespace sealpost::policy::toml_reader {

Result<toml::table> parse(std::string_view text, std::string_view source) {
  if (text.size() > kMaxConfigOctets) return Error{std::string(source) + ": larger than 16 MiB"};
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Error{std::string(source) + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description())};
  }
}

std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& table) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (const auto& [key, node] : table) out.emplace_back(std::string(key.str()), &node);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.second->source().begin;
    const auto& pb = b.second->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return out;
}

std::string at(std::string_view source, const toml::node& node) {
  const auto line = node.source().begin.line;
  return std::string(source) + (line > 0 ? ":" + std::to_string(line) : "") + ": ";
}

Status check_keys(std::string_view source, const toml::table& table, std::string_view entry,
                  std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, node] : table) {
    bool known = false;
    for (const auto a : allowed) known = known || key.str() == a;
    if (!known) {
      std::string list;
      for (const auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error{at(source, node) + "entry '" + std::string(entry) + "': unknown key '" + escape_for_display(key.str()) +
                   "' (known: " + list + ")"};
    }
  }
  return ok();
}

Result<std::optional<std::uint32_t>> optional_count(std::string_view source, const toml::table& table, std::string_view entry,
                                                    std::string_view key, std::uint32_t min, std::uint32_t max) {
  const toml::node* node = table.get(key);
  if (!node) return std::optional<std::uint32_t>{};
  const auto value = node->value<std::int64_t>();
  if (!node->is_integer() || !value || *value < min || *value > max) {
    return Error{at(source, *node) + "entry '" + std::string(entry) + "': key '" + std::string(key) +
                 "' must be an integer from " + std::to_string(min) + " to " + std::to_string(max)};
  }
  return std::optional<std::uint32_t>{static_cast<std::uint32_t>(*value)};
}

std::string key_text(std::string_view key) {
  for (const char c : key) {
    const bool bare = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!bare) return quoted(key);
  }
  return key.empty() ? quoted(key) : std::string(key);
}

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

}  // namespace sealpost::policy::toml_reader
