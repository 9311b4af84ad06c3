// A TLS outcome record read back from the outcome log (the inverse of mta/tls_outcome.h's
// to_json_line; the field list is the README's "TLS outcome record", a contract pinned by a
// round-trip test). `sealpost report` reads these. Untrusted: log lines (a file an attacker
// may have touched, a truncated last line, another program's lines): every field is checked
// for its type, and a line that is not a record is an error naming the field, never a crash.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxRecordLine = 1 << 20;  // a record with every field is a few KiB

struct OutcomeRecord {
  std::string time;  // RFC 3339 UTC, as written
  std::string queue_id, recipient_domain, destconfig_entry, setting, via, host, ip;
  std::uint16_t port = 0;
  std::string stage, starttls, tls_version, tls_cipher;
  bool tls_resumed = false;
  bool connection_reused = false;
  // From "verification" (null: no certificate was met).
  bool has_verification = false;
  bool verified = false;
  bool chain_ok = false;
  std::string chain_error, anchor, rules, rule;  // rule: the matching REF-ID rule, when verified
  std::vector<std::string> presented, ref_ids;
  bool fallback_plaintext = false;
  std::string result, status, reason;

  bool encrypted() const { return !tls_version.empty(); }
  bool delivered() const { return result == "sent" || result == "probed"; }
};

Result<OutcomeRecord> parse_outcome_line(std::string_view line);

}  // namespace sealpost::mta
