// Renders a VerificationTrace (TLS-POLICY.md §11) for people (the tlsverify report, the debug
// log) and as JSON (tlsverify --json, the TLS outcome record). The JSON field names are a
// stable interface (DESIGN.md "Interfaces that must stay stable").
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "policy/verification.h"

namespace sealpost::mta {

std::string render_trace_text(const policy::VerificationTrace& trace);
// One JSON object, no trailing newline; `indent` < 0 for a single line.
std::string render_trace_json(const policy::VerificationTrace& trace, int indent = -1);
// The same as a JSON value, for a document that embeds it (the outcome record).
nlohmann::json trace_to_json(const policy::VerificationTrace& trace);

}  // namespace sealpost::mta
