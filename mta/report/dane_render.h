// Renders a DANE decision (policy::DaneTrace; RFC 7672, DANE-MTA-STS.md §1 rule 13) for people
// (tlsverify, the debug log) and as the outcome record's `dane` object, and reads that object
// back (outcome_reader). The JSON names are part of the outcome record's contract.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "policy/dane.h"
#include "policy/result.h"

namespace sealpost::mta {

std::string render_dane_text(const policy::DaneTrace& trace);
nlohmann::json dane_to_json(const policy::DaneTrace& trace);
// Fails naming the field that is missing or of the wrong type.
Result<policy::DaneTrace> dane_from_json(const nlohmann::json& j);

}  // namespace sealpost::mta
