// Fuzz target: spool message and state files (mta/queue/spool.h). Untrusted: what is on disk after
// a crash, a full disk or a hand edit. Invariants: no crash; a message that parses serializes
// back to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mta/queue/spool.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto m = sealpost::mta::parse_message(input, "fuzz")) {
    if (sealpost::mta::serialize_message(*m) != input) std::abort();
  }
  (void)sealpost::mta::parse_state(input, "fuzz");
  return 0;
}
