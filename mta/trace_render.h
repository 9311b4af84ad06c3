// Renders a VerificationTrace (TLS-POLICY.md §11) for people (the tlsverify report, the debug
// log) and as JSON (tlsverify --json, the TLS outcome record). The JSON field names are a
// stable interface (DESIGN.md "Interfaces that must stay stable").
#pragma once

#include <string>

#include "policy/verification.h"

namespace sealpost::mta {

std::string render_trace_text(const policy::VerificationTrace& trace);
// One JSON object, no trailing newline; `indent` < 0 for a single line.
std::string render_trace_json(const policy::VerificationTrace& trace, int indent = -1);

}  // namespace sealpost::mta
