// A point in time as text, both ways, and the one RFC 3339 parser of the project: RFC 3339
// §5.6 for records (the TLS outcome log, the spool) and options (tlsverify --at, report
// --since), RFC 5322 §3.3 for message headers. Pure: the caller reads the clock.
// Untrusted: option values and log fields; anything but a valid date-time is an error.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "policy/result.h"

namespace sealpost::policy {

std::string rfc3339_utc(std::chrono::system_clock::time_point t);  // 2026-01-01T00:00:00Z
std::string rfc5322_utc(std::chrono::system_clock::time_point t);  // Thu, 01 Jan 2026 00:00:00 +0000

// Any RFC 3339 §5.6 date-time ("2026-01-01T00:00:00Z", "2026-01-01T02:00:00+02:00", fractional
// seconds allowed and dropped).
Result<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);
// Only the form rfc3339_utc writes: what records hold, so that they compare as text.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339_utc(std::string_view text);

}  // namespace sealpost::policy
