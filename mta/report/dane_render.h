// Renders a DANE decision (policy::DaneTrace; RFC 7672, DANE-MTA-STS.md §1 rule 13) for people
// (tlsverify, the debug log) and as the outcome record's `dane` object, which outcome_reader
// reads back. The JSON names are part of the outcome record's contract.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "policy/dane.h"

namespace sealpost::mta {

std::string render_dane_text(const policy::DaneTrace& trace);
nlohmann::json dane_to_json(const policy::DaneTrace& trace);

}  // namespace sealpost::mta
