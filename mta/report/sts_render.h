// Renders what MTA-STS did on a host (policy::StsTrace; RFC 8461, DANE-MTA-STS.md §2) for
// people (tlsverify, the debug log) and as the outcome record's `mta_sts` object, which
// outcome_reader reads back and the TLS-RPT report uses. The JSON names are part of the
// outcome record's contract.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "policy/result.h"
#include "policy/sts_host.h"

namespace sealpost::mta {

std::string render_sts_text(const policy::StsTrace& trace);
nlohmann::json sts_to_json(const policy::StsTrace& trace);

}  // namespace sealpost::mta
