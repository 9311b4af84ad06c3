// UTF-8 as RFC 3629 §4 defines it, for internationalized addresses (RFC 6531 §3.3: a local
// part may hold UTF8-non-ascii) and headers (RFC 6532 §3.2): shortest forms only, no
// surrogates, nothing above U+10FFFF. Untrusted input: envelope addresses and header bytes.
#pragma once

#include <string_view>

namespace sealpost::policy {

bool has_non_ascii(std::string_view text);
bool is_valid_utf8(std::string_view text);

}  // namespace sealpost::policy
