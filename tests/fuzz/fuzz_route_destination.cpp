// Fuzz target: `[user:password@]host[:port]` parsing (route_destination.h). Invariant: the
// masked form never contains the password, and the revealed form parses back to the same.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/route_destination.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::policy;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)mask_password(in);
  auto d = parse_route_destination(in);
  if (!d) return 0;
  // The masked form is ENCODED-USER:***@HOST[:PORT], and the encoded user has no raw ':', so
  // nothing of the password can stand in it.
  const std::string masked = d->to_string();
  if (d->credentials) {
    const std::string tail = ":***@" + d->host_port();
    if (!masked.ends_with(tail) || masked.substr(0, masked.size() - tail.size()).find(':') != std::string::npos) {
      std::abort();
    }
  } else if (masked != d->host_port()) {
    std::abort();
  }
  auto again = parse_route_destination(d->to_string(RouteDestination::Secrets::kReveal));
  if (!again || again->host != d->host || again->port != d->port) std::abort();
  if (d->credentials && (!again->credentials || again->credentials->user != d->credentials->user ||
                         again->credentials->password != d->credentials->password)) {
    std::abort();
  }
  return 0;
}
