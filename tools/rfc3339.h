// Parses an RFC 3339 §5.6 date-time ("2026-01-01T00:00:00Z", "2026-01-01T02:00:00+02:00",
// fractional seconds allowed and dropped) into a system_clock time point. Untrusted: the
// --at option of tlsverify.
#pragma once

#include <chrono>
#include <string_view>

#include "policy/result.h"

namespace sealpost::cli {

Result<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace sealpost::cli
