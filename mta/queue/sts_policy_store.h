// The MTA-STS policy cache on disk (RFC 8461 §5.1; DANE-MTA-STS.md §2 rule 5): one file per
// policy domain under SPOOL/mta-sts/, written atomically (mta/config/config_file.h), so that
// a cached policy survives a restart (KumoMTA keeps it in memory only). A damaged file reads as
// no cache with the reason. Untrusted: the files' contents (bounded by kMaxOwnFileOctets).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/result.h"
#include "policy/sts_cache.h"

namespace sealpost::mta {

class StsPolicyStore {
 public:
  // `spool`: the spool directory; the cache lives in its mta-sts/ subdirectory.
  explicit StsPolicyStore(const std::filesystem::path& spool) : dir_(spool / "mta-sts") {}

  // Nothing when no file exists; an error when one exists but is damaged.
  Result<std::optional<policy::StsCacheEntry>> load(const std::string& domain) const;
  Status save(const std::string& domain, const policy::StsCacheEntry& entry) const;
  // False when there was nothing to remove.
  Result<bool> remove(const std::string& domain) const;
  // Every cached domain in name order, with its entry or why it cannot be read.
  std::vector<std::pair<std::string, Result<policy::StsCacheEntry>>> list() const;

  const std::filesystem::path& directory() const { return dir_; }

 private:
  // The domain's file; an error for a name that is not a domain (it would not be a safe path).
  Result<std::filesystem::path> path_for(const std::string& domain) const;
  std::filesystem::path dir_;
};

}  // namespace sealpost::mta
