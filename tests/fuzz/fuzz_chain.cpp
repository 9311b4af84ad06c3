// Fuzz target: path building and the RFC 5280 §6.1 checks (tls/chain_validator.h,
// tls/path_checks.h) on adversarial certificate sets. Input: one byte naming how many of the
// certificates (taken from the end) are anchors, then certificates as a 2-octet big-endian
// length and DER. The set is validated as presented, and also checked as a path in the order
// given, so that mutated extensions reach the checks without valid signatures.
#include <chrono>
#include <cstdint>
#include <vector>

#include "tls/chain_validator.h"
#include "tls/name_constraints.h"
#include "tls/path_checks.h"
#include "tls/trust_store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost;
  if (size < 1) return 0;
  const std::size_t anchors = data[0] % 4;
  std::vector<tls::Certificate> certs;
  for (std::size_t pos = 1; pos + 2 <= size && certs.size() < 24;) {
    const std::size_t len = (std::size_t{data[pos]} << 8) | data[pos + 1];
    pos += 2;
    if (len > size - pos) break;
    if (auto c = tls::Certificate::from_der({data + pos, len})) certs.push_back(*c);
    pos += len;
  }
  if (certs.empty()) return 0;
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));  // 2026-01-01
  tls::Trustpoint tp{.name = "fuzz", .certificates = {}};
  const std::size_t split = certs.size() > anchors ? certs.size() - anchors : 1;
  tp.certificates.assign(certs.begin() + static_cast<std::ptrdiff_t>(split), certs.end());
  const std::vector<tls::Certificate> presented(certs.begin(), certs.begin() + static_cast<std::ptrdiff_t>(split));
  (void)tls::validate_chain(presented, {tp}, at);
  std::vector<const tls::Certificate*> path;
  for (const auto& c : certs) path.push_back(&c);
  if (path.size() <= tls::kMaxPathLength) {
    std::size_t budget = tls::kMaxNameConstraintChecks;
    std::vector<std::string> cns;
    (void)tls::check_path(path, at, budget, cns);
  }
  return 0;
}
