// Lookups with the answers a caller can act on (found / not found / temporary failure with
// the reason), on top of a Transport: CNAME chains followed (RFC 1034 §3.6.2, at most 8
// links), a cache that honours TTLs between a floor and a cap, negative answers cached
// briefly (RFC 2308 §5, from the SOA in the authority section), temporary failures never
// cached, and identical lookups in flight collapsed into one query. Only "not found" may ever
// lead a caller to bounce; a temporary failure must defer. Clock injected for tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dns/message.h"
#include "dns/transport.h"

namespace sealpost::dns {

enum class LookupStatus { kFound, kNotFound, kTemporaryFailure };
std::string_view to_string(LookupStatus status);

struct LookupResult {
  LookupStatus status = LookupStatus::kTemporaryFailure;
  std::vector<ResourceRecord> records;  // of the type asked for, at canonical_name
  std::string canonical_name;           // the name after CNAMEs
  bool authenticated = false;           // AD bit of every answer this result rests on
  std::string reason;                   // for not-found and temporary failures
  std::uint32_t ttl = 0;                // seconds it stays cached
  bool from_cache = false;
};

struct ResolverOptions {
  std::chrono::seconds min_ttl{5};     // floor: answers with TTL 0 would be re-asked per message
  std::chrono::seconds max_ttl{3600};  // cap: a huge TTL must not pin a stale answer
  std::chrono::seconds max_negative_ttl{60};
  std::size_t max_entries = 100000;  // cache size bound; the cache is cleared when full
};

class Resolver {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  using Handler = std::function<void(const LookupResult&)>;

  explicit Resolver(
      Transport& transport, ResolverOptions options = {}, Clock clock = [] { return std::chrono::steady_clock::now(); });

  // The handler runs before lookup() returns when the answer is cached.
  void lookup(std::string name, RrType type, Handler handler);

  struct Stats {
    std::uint64_t queries = 0;  // sent to the transport
    std::uint64_t cache_hits = 0;
    std::uint64_t collapsed = 0;  // lookups that joined one already in flight
  };
  const Stats& stats() const { return stats_; }

 private:
  using Key = std::pair<std::string, std::uint16_t>;
  struct Entry {
    LookupResult result;
    std::chrono::steady_clock::time_point expires;
  };

  using Done = std::function<void(LookupResult)>;
  bool serve_from_cache(const Key& key, const Done& done);
  // Queries key; follows a CNAME whose target the answer lacks. `chain` holds the names
  // already visited, so a CNAME loop ends as a temporary failure instead of waiting on itself.
  void fetch(Key key, std::vector<std::string> chain, Done done);
  void store(const Key& key, const LookupResult& result);
  LookupResult classify(const Key& key, Result<Message> reply, std::string& follow) const;

  Transport& transport_;
  ResolverOptions options_;
  Clock clock_;
  std::map<Key, Entry> cache_;
  std::map<Key, std::vector<Handler>> in_flight_;
  Stats stats_;
};

// Lowercase, no trailing dot: the form names are cached and compared in.
std::string canonical(std::string_view name);

}  // namespace sealpost::dns
