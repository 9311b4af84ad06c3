// See library_version.h.
#include "tls/library_version.h"

#include <botan/version.h>

namespace sealpost::tls {

std::string library_version() {
  return "Botan " + std::to_string(Botan::version_major()) + "." + std::to_string(Botan::version_minor()) + "." +
         std::to_string(Botan::version_patch()) + " (TLS 1.3, TLS 1.2)";
}

}  // namespace sealpost::tls
