// See idna.h. libidn2 ≥ 2.2 checks A-labels in its input by round trip unless told not to.
#include "idna/idna.h"

#include <idn2.h>

#include <cstdlib>

namespace sealpost::idna {
namespace {

// libidn2 allocates its result; it is ours to free.
Converted take(int rc, char* out) {
  Converted c;
  if (rc == IDN2_OK && out) {
    c.name = out;
  } else {
    c.error = idn2_strerror(rc);
  }
  std::free(out);
  return c;
}

}  // namespace

Converted to_a_label(std::string_view name) {
  char* out = nullptr;
  const std::string z(name);  // libidn2 wants a NUL-terminated string; an embedded NUL ends it early
  if (z.find('\0') != std::string::npos) return {.error = "contains a NUL byte"};
  const int rc = idn2_to_ascii_8z(z.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  return take(rc, out);
}

Converted to_u_label(std::string_view name) {
  char* out = nullptr;
  const std::string z(name);
  if (z.find('\0') != std::string::npos) return {.error = "contains a NUL byte"};
  const int rc = idn2_to_unicode_8z8z(z.c_str(), &out, 0);
  return take(rc, out);
}

}  // namespace sealpost::idna
