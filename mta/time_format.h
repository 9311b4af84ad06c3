// A point in time as text in UTC: RFC 3339 for records (TLS outcome log), RFC 5322 §3.3 for
// message headers. Pure formatting; the caller reads the clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace sealpost::mta {

std::string rfc3339_utc(std::chrono::system_clock::time_point t);  // 2026-01-01T00:00:00Z
std::string rfc5322_utc(std::chrono::system_clock::time_point t);  // Thu, 01 Jan 2026 00:00:00 +0000
// Reads back what rfc3339_utc wrote (and only that form).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339_utc(const std::string& text);

}  // namespace sealpost::mta
