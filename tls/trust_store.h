// Trust anchors (TLS-POLICY.md §2): named trustpoints, one PEM file each in the trust
// directory, plus the system CA bundle when enabled. Every certificate in a trustpoint is an
// anchor — a root, an intermediate, or a server's own leaf (pinning) — because Sealpost
// validates partial chains (`chain-validation stop`), which Botan's path validation does not.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "policy/result.h"
#include "policy/verification.h"
#include "tls/certificate.h"

namespace sealpost::tls {

inline constexpr std::string_view kSystemBundle = "/etc/ssl/certs/ca-certificates.crt";
inline constexpr std::string_view kSystemTrustpoint = "system";

struct Trustpoint {
  std::string name;
  std::vector<Certificate> certificates;
};

// A NAME.pem in the trust directory that cannot be used, and why (path included).
struct BrokenTrustpoint {
  std::string name;
  std::string error;
};

// A trustpoint name is also its file name: letters, digits, '.', '_', '-', at most 64, not
// starting with '.'.
Status check_trustpoint_name(std::string_view name);

class TrustStore {
 public:
  TrustStore();
  void add(Trustpoint trustpoint);
  // Every NAME.pem in `dir`, in name order. A missing directory is an empty store. A file
  // that cannot be used — unreadable, not PEM, a symbolic link to nothing, not a regular
  // file — is an error naming its path, so the daemon refuses to start or reload rather than
  // run without an anchor the operator believes loaded; with `broken`, it is listed there
  // instead and the others are loaded (`sealpost trust list`).
  Status load_directory(const std::filesystem::path& dir, std::vector<BrokenTrustpoint>* broken = nullptr);
  Status load_system_bundle(const std::filesystem::path& path = std::string(kSystemBundle));

  const std::vector<Trustpoint>& trustpoints() const { return trustpoints_; }
  bool empty() const { return trustpoints_.empty(); }

  // Validates `chain` (leaf first, then whatever the server sent) at time `at`. Results are
  // cached per store by (the chain's certificates, `at` in kValidationCacheBucket steps):
  // path validation costs about a millisecond (bench/README.md), and a relay meets the same
  // chains all day. Adding a trustpoint starts a new cache, so a cached answer never outlives
  // the anchors it was computed with. Safe to call from several threads.
  policy::ChainResult validate(const std::vector<Certificate>& chain, std::chrono::system_clock::time_point at) const;

 private:
  struct Cache;
  std::vector<Trustpoint> trustpoints_;
  std::shared_ptr<Cache> cache_;
};

// A certificate expiring inside a bucket may be taken as valid for at most this long after.
inline constexpr std::chrono::seconds kValidationCacheBucket{60};
inline constexpr std::size_t kValidationCacheEntries = 10000;

Result<Trustpoint> load_trustpoint_file(const std::filesystem::path& path, std::string name);

}  // namespace sealpost::tls
