// Trustpoint loading (see trust_store.h). File I/O belongs to this adapter; chain logic is in
// chain_validator.cpp.
#include "tls/trust_store.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "policy/domain_name.h"

#include "tls/chain_validator.h"
#include "tls/pem.h"

namespace sealpost::tls {

Status check_trustpoint_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') {
    return Error{"trustpoint name must be 1 to 64 characters and not start with '.'"};
  }
  for (const char c : name) {
    const bool okc =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!okc)
      return Error{"trustpoint name '" + policy::escape_for_display(name) + "' may hold only letters, digits, '.', '_' and '-'"};
  }
  return ok();
}

Result<Trustpoint> load_trustpoint_file(const std::filesystem::path& path, std::string name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto certs = read_pem_certificates(text.str(), path.string(), {.skip_unparsable = name == kSystemTrustpoint});
  if (!certs) return certs.error();
  return Trustpoint{.name = std::move(name), .certificates = std::move(*certs)};
}

struct TrustStore::Cache {
  std::mutex mutex;
  std::map<std::pair<std::string, std::int64_t>, policy::ChainResult> results;
};

TrustStore::TrustStore() : cache_(std::make_shared<Cache>()) {}

void TrustStore::add(Trustpoint trustpoint) {
  trustpoints_.push_back(std::move(trustpoint));
  cache_ = std::make_shared<Cache>();  // copies of this store keep theirs; this one starts afresh
}

Status TrustStore::load_directory(const std::filesystem::path& dir, std::vector<BrokenTrustpoint>* broken) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec) && !ec) return ok();
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".pem") files.push_back(entry.path());
  }
  if (ec) return Error{dir.string() + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Result<Trustpoint> tp = Error{};
    std::error_code fe;
    if (fs::is_symlink(f, fe) && !fs::exists(f, fe)) {
      tp = Error{f.string() + ": a symbolic link to " + fs::read_symlink(f, fe).string() + ", which does not exist"};
    } else if (!fs::is_regular_file(f, fe)) {
      tp = Error{f.string() + ": not a regular file"};
    } else {
      tp = load_trustpoint_file(f, f.stem().string());
    }
    if (tp) {
      add(std::move(*tp));
    } else if (broken) {
      broken->push_back({.name = f.stem().string(), .error = tp.error().message});
    } else {
      return tp.error();
    }
  }
  return ok();
}

Status TrustStore::load_system_bundle(const std::filesystem::path& path) {
  auto tp = load_trustpoint_file(path, std::string(kSystemTrustpoint));
  if (!tp) return tp.error();
  add(std::move(*tp));
  return ok();
}

policy::ChainResult TrustStore::validate(const std::vector<Certificate>& chain, std::chrono::system_clock::time_point at) const {
  std::string key;
  for (const auto& c : chain) key += c.fingerprint("SHA-256");
  const std::int64_t bucket =
      std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count() / kValidationCacheBucket.count();
  Cache& cache = *cache_;
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.results.find({key, bucket}); it != cache.results.end()) return it->second;
  }
  policy::ChainResult result = validate_chain(chain, trustpoints_, at);
  std::lock_guard lock(cache.mutex);
  if (cache.results.size() >= kValidationCacheEntries) cache.results.clear();
  cache.results.emplace(std::pair{std::move(key), bucket}, result);
  return result;
}

}  // namespace sealpost::tls
