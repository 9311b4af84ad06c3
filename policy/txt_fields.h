// The shape shared by the policy TXT records of RFC 8461 §3.1 (`v=STSv1; id=…`) and RFC 8460
// §3 (`v=TLSRPTv1; rua=…`): a version tag first, then fields separated by field-delim
// (*WSP ";" *WSP), a final delimiter allowed. Pure. Untrusted: the record text.
#pragma once

#include <string_view>
#include <vector>

#include "policy/result.h"

namespace sealpost::policy {

// Whether `record` begins with `version` ("v=STSv1") followed by its end, white space or ';'.
bool txt_announces(std::string_view record, std::string_view version);

// The fields after the version tag, trimmed, in order (views into `rest`); an error when
// they are not separated by ';'.
Result<std::vector<std::string_view>> txt_fields(std::string_view rest);

}  // namespace sealpost::policy
