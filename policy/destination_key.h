// Keys of the per-destination tables (destconfig, smtproutes): `example.com` (that domain),
// `.example.com` (its subdomains, not the domain itself), an IP address (a destination given
// as an address literal), and the table's catch-all word (`default`, `ALL`). Lookup takes the
// exact key first, then the longest `.parent`, then the catch-all — as ESA destconfig and
// Postfix transport maps do. Untrusted: keys come from operator files and the command line;
// destinations from the envelope.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"

namespace sealpost::policy {

// Canonical form of a key: lowercase, no trailing dot, canonical IP; the catch-all as is.
Result<std::string> normalize_destination_key(std::string_view key, std::string_view catch_all);

// The keys that could match a destination, most specific first, without the catch-all:
// "a.example.com" → {"a.example.com", ".example.com", ".com"}; "[192.0.2.1]" → {"192.0.2.1"}.
// An invalid destination has no candidates (only the catch-all applies).
std::vector<std::string> candidate_keys(std::string_view destination);

template <class Map>
typename Map::const_iterator find_destination(const Map& map, std::string_view destination, std::string_view catch_all) {
  for (const auto& key : candidate_keys(destination)) {
    if (auto it = map.find(key); it != map.end()) return it;
  }
  return map.find(std::string(catch_all));
}

}  // namespace sealpost::policy
