// See resolver.h. Untrusted input: the parsed DNS responses (already bounds-checked by
// message.cpp); here their meaning is checked: the question matches, CNAME chains are
// bounded, rcodes map to the three statuses.
#include "dns/resolver.h"

#include <algorithm>

namespace sealpost::dns {
namespace {

constexpr std::size_t kMaxCnameLinks = 8;

LookupResult temporary(std::string reason) {
  LookupResult r;
  r.status = LookupStatus::kTemporaryFailure;
  r.reason = std::move(reason);
  return r;
}

// message.cpp parses the data of class IN records only (RFC 1035 §3.2.4); a record of another
// class (CHAOS, HESIOD, or garbage) keeps UnknownData and is no answer to our IN question.
// Every type the resolver asks for is one message.cpp parses, so UnknownData means exactly that.
bool in_class_in(const ResourceRecord& rr) { return !std::holds_alternative<UnknownData>(rr.data); }

std::string type_name(std::uint16_t type) {
  const auto name = to_string(static_cast<RrType>(type));
  return name == "?" ? "TYPE" + std::to_string(type) : std::string(name);
}

}  // namespace

std::string canonical(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out.back() == '.') out.pop_back();
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; });
  return out;
}

std::string_view to_string(LookupStatus status) {
  switch (status) {
    case LookupStatus::kFound: return "found";
    case LookupStatus::kNotFound: return "not-found";
    case LookupStatus::kTemporaryFailure: return "temporary-failure";
  }
  return "?";
}

Resolver::Resolver(Transport& transport, ResolverOptions options, Clock clock)
    : transport_(transport), options_(options), clock_(std::move(clock)) {}

void Resolver::lookup(std::string name, RrType type, Handler handler) {
  const Key key{canonical(name), static_cast<std::uint16_t>(type)};
  if (serve_from_cache(key, handler)) return;
  auto [it, fresh] = in_flight_.try_emplace(key);
  it->second.push_back(std::move(handler));
  if (!fresh) {
    ++stats_.collapsed;
    return;
  }
  fetch(key, {key.first}, [this, key](LookupResult r) {
    auto node = in_flight_.extract(key);
    for (const auto& h : node.mapped()) h(r);
  });
}

bool Resolver::serve_from_cache(const Key& key, const Done& done) {
  const auto it = cache_.find(key);
  if (it == cache_.end()) return false;
  const auto now = clock_();
  if (now >= it->second.expires) {
    cache_.erase(it);
    return false;
  }
  ++stats_.cache_hits;
  LookupResult r = it->second.result;
  r.from_cache = true;
  r.ttl = static_cast<std::uint32_t>(std::chrono::ceil<std::chrono::seconds>(it->second.expires - now).count());
  done(std::move(r));
  return true;
}

void Resolver::fetch(Key key, std::vector<std::string> chain, Done done) {
  ++stats_.queries;
  transport_.query(key.first, static_cast<RrType>(key.second),
                   [this, key, chain = std::move(chain), done = std::move(done)](Result<Message> reply) mutable {
                     std::string follow;
                     LookupResult r = classify(key, std::move(reply), follow);
                     if (follow.empty()) {
                       store(key, r);
                       done(std::move(r));
                       return;
                     }
                     if (chain.size() >= kMaxCnameLinks || std::find(chain.begin(), chain.end(), follow) != chain.end()) {
                       done(temporary("CNAME chain from " + chain.front() + " loops or is longer than 8 links"));
                       return;
                     }
                     chain.push_back(follow);
                     const Key next{follow, key.second};
                     // The CNAME's own answer bounds what the combined result may be trusted for.
                     Done cont = [this, key, first = r, done = std::move(done)](LookupResult t) {
                       t.authenticated = t.authenticated && first.authenticated;
                       t.ttl = std::min(t.ttl, first.ttl);
                       t.from_cache = false;
                       store(key, t);
                       done(std::move(t));
                     };
                     if (!serve_from_cache(next, cont)) fetch(next, std::move(chain), std::move(cont));
                   });
}

void Resolver::store(const Key& key, const LookupResult& result) {
  if (result.status == LookupStatus::kTemporaryFailure || result.ttl == 0) return;
  if (cache_.size() >= options_.max_entries) {
    const auto now = clock_();
    std::erase_if(cache_, [now](const auto& kv) { return now >= kv.second.expires; });
    if (cache_.size() >= options_.max_entries) cache_.clear();
  }
  cache_[key] = Entry{.result = result, .expires = clock_() + std::chrono::seconds(result.ttl)};
}

LookupResult Resolver::classify(const Key& key, Result<Message> reply, std::string& follow) const {
  if (!reply) return temporary(reply.error().message);
  const Message& m = *reply;
  const std::string what = type_name(key.second) + " " + key.first;
  if (!m.response) return temporary("the DNS server sent a query, not a response");
  if (canonical(m.question_name) != key.first || m.question_type != key.second) {
    return temporary("the DNS answer is for another question");
  }
  if (m.truncated) return temporary("the DNS answer was truncated");
  LookupResult r;
  r.authenticated = m.authenticated_data;
  // A negative answer without an SOA (forwarding resolvers say NXDOMAIN for private PTR
  // zones that way) is kept for min_ttl anyway. RFC 2308 §5 says SHOULD NOT cache it, for
  // fear of answers looping between servers; an in-process cache of a few seconds cannot
  // loop, and without it every delivery asked again — and one lost UDP query held every
  // delivery waiting on that name for the retry interval (bench/README.md).
  const auto without_soa_floor = [&](std::uint32_t ttl) {
    return ttl != 0 ? ttl : static_cast<std::uint32_t>(options_.min_ttl.count());
  };
  const auto negative_ttl = [&] {
    // RFC 2308 §5: the SOA's TTL, bounded by its MINIMUM. 0: the answer had no SOA.
    for (const auto& rr : m.authority) {
      if (const auto* soa = std::get_if<SoaData>(&rr.data)) {
        const auto ttl = std::chrono::seconds(std::min(rr.ttl, soa->minimum));
        return static_cast<std::uint32_t>(std::clamp(ttl, options_.min_ttl, options_.max_negative_ttl).count());
      }
    }
    return 0u;
  };
  switch (m.rcode) {
    case Rcode::kNoError: break;
    case Rcode::kNxDomain:
      r.status = LookupStatus::kNotFound;
      r.reason = "NXDOMAIN: " + key.first + " does not exist";
      r.canonical_name = key.first;
      r.ttl = without_soa_floor(negative_ttl());
      return r;
    case Rcode::kServFail: return temporary("SERVFAIL from the DNS server for " + what);
    case Rcode::kRefused: return temporary("the DNS server REFUSED " + what);
    default: return temporary("DNS error code " + std::to_string(static_cast<int>(m.rcode)) + " for " + what);
  }
  // Follow the CNAME chain inside the answer (RFC 1034 §3.6.2).
  std::string current = key.first;
  std::uint32_t ttl = UINT32_MAX;
  for (std::size_t links = 0; links <= kMaxCnameLinks; ++links) {
    const auto cname = std::find_if(m.answers.begin(), m.answers.end(), [&](const ResourceRecord& rr) {
      return rr.type == static_cast<std::uint16_t>(RrType::kCname) && rr.owner == current && in_class_in(rr);
    });
    if (cname == m.answers.end() || key.second == static_cast<std::uint16_t>(RrType::kCname)) break;
    if (links == kMaxCnameLinks) return temporary("CNAME chain from " + key.first + " is longer than 8 links");
    current = canonical(std::get<std::string>(cname->data));
    ttl = std::min(ttl, cname->ttl);
  }
  r.canonical_name = current;
  for (const auto& rr : m.answers) {
    if (rr.type == key.second && rr.owner == current && in_class_in(rr)) {
      r.records.push_back(rr);
      ttl = std::min(ttl, rr.ttl);
    }
  }
  if (!r.records.empty()) {
    r.status = LookupStatus::kFound;
    r.ttl = static_cast<std::uint32_t>(std::clamp(std::chrono::seconds(ttl), options_.min_ttl, options_.max_ttl).count());
    return r;
  }
  const std::uint32_t negative = negative_ttl();
  if (current != key.first && negative == 0) {
    follow = current;  // an authoritative server gave the CNAME but not its target's data
    r.ttl = static_cast<std::uint32_t>(std::clamp(std::chrono::seconds(ttl), options_.min_ttl, options_.max_ttl).count());
    return r;
  }
  r.status = LookupStatus::kNotFound;
  r.reason = "NODATA: no " + type_name(key.second) + " record for " + current;
  r.ttl = without_soa_floor(negative);
  return r;
}

}  // namespace sealpost::dns
