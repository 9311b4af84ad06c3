// Fuzz target: destconfig and smtproutes files (TOML, via toml++). Invariant: whatever parses
// serializes to text that parses to the same table.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/destconfig.h"
#include "policy/smtproutes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::policy;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto c = parse_destconfig(in, "fuzz")) {
    auto again = parse_destconfig(serialize_destconfig(*c), "again");
    if (!again || again->entries() != c->entries() || !(again->default_entry() == c->default_entry())) std::abort();
    (void)c->lookup("a.example.com");
  }
  if (auto r = parse_smtproutes(in, "fuzz")) {
    auto again = parse_smtproutes(serialize_smtproutes(*r, RouteDestination::Secrets::kReveal), "again");
    if (!again || again->entries().size() != r->entries().size()) std::abort();
    (void)r->lookup("a.example.com");
  }
  return 0;
}
