// A TLS outcome record read back from the outcome log: the inverse of tls_outcome.h's
// to_json_line, into the same TlsOutcome (the field list is the README's "TLS outcome
// record", a contract pinned by a round-trip test). The verification comes back with the
// chain result, the rules, the presented identifiers, the REF-IDs and the matching rule; the
// comparisons, the matched pair and the verdict are for people and are not read. Untrusted:
// log lines (a file an attacker may have touched, a truncated last line, another program's
// lines): every field is checked for its type and every name for its list, and a line that
// is not a record is an error naming the field, never a crash.
#pragma once

#include <cstddef>
#include <string_view>

#include "mta/report/tls_outcome.h"
#include "policy/result.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxRecordLine = 1 << 20;  // a record with every field is a few KiB

Result<TlsOutcome> parse_outcome_line(std::string_view line);

}  // namespace sealpost::mta
