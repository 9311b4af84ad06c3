// The `~=` comparison of TLS-POLICY.md §4 between one presented name and one reference name,
// both already normalized (domain_name.h). A wildcard "*.rest" matches exactly one whole
// label followed by ".rest" (RFC 9525 §6.3); everything else is an exact comparison.
#pragma once

#include <string_view>

namespace sealpost::policy {

enum class NameMatch { kNone, kExact, kWildcard };

NameMatch match_name(std::string_view presented, std::string_view reference);

std::string_view to_string(NameMatch m);

}  // namespace sealpost::policy
