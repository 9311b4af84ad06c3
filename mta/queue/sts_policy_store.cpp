// See sts_policy_store.h.
#include "mta/queue/sts_policy_store.h"

#include <algorithm>
#include <system_error>

#include "mta/config/config_file.h"
#include "policy/domain_name.h"

namespace sealpost::mta {

namespace fs = std::filesystem;

Result<fs::path> StsPolicyStore::path_for(const std::string& domain) const {
  auto name = policy::normalize_reference_name(domain);
  if (!name) return Error{"'" + policy::escape_for_display(domain) + "' is not a domain: " + name.error().message};
  return dir_ / *name;  // letters, digits, '-' and '.' only, never ".." alone: a plain file name
}

Result<std::optional<policy::StsCacheEntry>> StsPolicyStore::load(const std::string& domain) const {
  auto path = path_for(domain);
  if (!path) return path.error();
  std::error_code ec;
  if (!fs::exists(*path, ec)) return std::optional<policy::StsCacheEntry>{};
  auto text = read_text_file(*path);
  if (!text) return text.error();
  auto entry = policy::parse_sts_cache_entry(*text);
  if (!entry) return Error{path->string() + ": " + entry.error().message};
  return std::optional<policy::StsCacheEntry>(std::move(*entry));
}

Status StsPolicyStore::save(const std::string& domain, const policy::StsCacheEntry& entry) const {
  auto path = path_for(domain);
  if (!path) return path.error();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error{"cannot create " + dir_.string() + ": " + ec.message()};
  return write_file_atomic(*path, policy::serialize_sts_cache_entry(entry), 0600);
}

Result<bool> StsPolicyStore::remove(const std::string& domain) const {
  auto path = path_for(domain);
  if (!path) return path.error();
  std::error_code ec;
  const bool removed = fs::remove(*path, ec);
  if (ec) return Error{"cannot remove " + path->string() + ": " + ec.message()};
  return removed;
}

std::vector<std::pair<std::string, Result<policy::StsCacheEntry>>> StsPolicyStore::list() const {
  std::vector<std::pair<std::string, Result<policy::StsCacheEntry>>> out;
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(dir_, ec)) {
    const std::string name = f.path().filename().string();
    if (!f.is_regular_file() || name.starts_with(".") || !policy::normalize_reference_name(name)) continue;  // temp files
    auto text = read_text_file(f.path());
    if (!text) {
      out.emplace_back(name, text.error());
      continue;
    }
    out.emplace_back(name, policy::parse_sts_cache_entry(*text));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace sealpost::mta
