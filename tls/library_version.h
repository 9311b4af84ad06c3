// Which TLS library this build runs on, for `sealpost version` (Botan 3 is the system's or
// one scripts/botan3.sh built: an operator should be able to tell which).
#pragma once

#include <string>

namespace sealpost::tls {

// "Botan 3.7.1 (TLS 1.3, TLS 1.2)": the library linked in, as it reports itself.
std::string library_version();

}  // namespace sealpost::tls
