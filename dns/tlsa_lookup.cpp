// TLSA lookup for DANE (see tlsa_lookup.h). The host's address answers are usually in the
// resolver's cache already (delivery asked them first), so asking again costs nothing.
#include "dns/tlsa_lookup.h"

#include <memory>

namespace sealpost::dns {
namespace {

using policy::TlsaAnswer;

struct Lookup : std::enable_shared_from_this<Lookup> {
  Lookup(Resolver& r, std::string h, std::uint16_t p, std::function<void(TlsaLookupResult)> d)
      : resolver(r), host(std::move(h)), port(p), done(std::move(d)) {}
  Resolver& resolver;
  std::string host;
  std::uint16_t port;
  std::function<void(TlsaLookupResult)> done;
  LookupResult a, aaaa;
  int pending = 2;

  void addresses_known() {
    // RFC 7672 §2.2.2: a failed address lookup of an otherwise secure host may hide a bogus
    // answer: that is a failure, not "insecure" (kumomta#543).
    const bool failed_a = a.status == LookupStatus::kTemporaryFailure,
               failed_aaaa = aaaa.status == LookupStatus::kTemporaryFailure;
    if (failed_a || failed_aaaa) {
      const LookupResult& other = failed_a ? aaaa : a;
      const LookupResult& failed = failed_a ? a : aaaa;
      if (failed_a && failed_aaaa)
        return finish({.answer = TlsaAnswer::kFailed, .detail = "address lookups of " + host + " failed: " + failed.reason});
      if (other.authenticated) {
        return finish({.answer = TlsaAnswer::kFailed, .detail = "address lookup of " + host + " failed: " + failed.reason});
      }
      return finish({.answer = TlsaAnswer::kNotLooked, .detail = "the address answers of " + host + " are not signed"});
    }
    const bool secure = a.authenticated && aaaa.authenticated;
    const std::string& expanded = a.canonical_name.empty() ? aaaa.canonical_name : a.canonical_name;
    if (secure) {
      // Rule 5: the expanded name first, then the original one if that is securely empty.
      if (!expanded.empty() && expanded != host) return tlsa(expanded, /*then=*/host);
      return tlsa(host, "");
    }
    if (expanded.empty() || expanded == host) {
      return finish({.answer = TlsaAnswer::kNotLooked, .detail = "the address answers of " + host + " are not signed"});
    }
    // Rule 4: a secure CNAME into an insecure zone: TLSA at the original name. The combined
    // address answer is insecure, so the CNAME's own status is asked for explicitly.
    resolver.lookup(host, RrType::kCname, [self = shared(), expanded](const LookupResult& c) {
      if (c.status == LookupStatus::kTemporaryFailure) {
        return self->finish({.answer = TlsaAnswer::kFailed, .detail = "CNAME lookup of " + self->host + " failed: " + c.reason});
      }
      if (c.status != LookupStatus::kFound || !c.authenticated) {
        return self->finish({.answer = TlsaAnswer::kNotLooked,
                             .detail = "the CNAME " + self->host + " → " + expanded + " leads to unsigned address records"});
      }
      self->tlsa(self->host, "");
    });
  }

  void tlsa(const std::string& base, const std::string& then) {
    const std::string owner = tlsa_owner(port, base);
    resolver.lookup(owner, RrType::kTlsa, [self = shared(), base, owner, then](const LookupResult& r) {
      TlsaLookupResult out{.base = base, .owner = owner};
      if (r.status == LookupStatus::kTemporaryFailure) {
        out.answer = TlsaAnswer::kFailed;
        out.detail = r.reason;
      } else if (!r.authenticated) {
        out.answer = TlsaAnswer::kInsecure;
        out.detail = "TLSA " + owner + ": the answer is not signed";
      } else if (r.status == LookupStatus::kNotFound) {
        if (!then.empty()) return self->tlsa(then, "");
        out.answer = TlsaAnswer::kSecureEmpty;
        out.detail = "TLSA " + owner + ": " + r.reason;
      } else {
        out.answer = TlsaAnswer::kSecureFound;
        for (const auto& rr : r.records) {
          if (const auto* t = std::get_if<TlsaData>(&rr.data)) out.records.push_back(*t);
        }
        out.detail = "TLSA " + owner + ": " + std::to_string(out.records.size()) + " record(s)";
      }
      self->finish(std::move(out));
    });
  }

  void finish(TlsaLookupResult r) { done(std::move(r)); }
  std::shared_ptr<Lookup> shared() { return shared_from_this(); }
};

}  // namespace

std::string tlsa_owner(std::uint16_t port, std::string_view base) {
  return "_" + std::to_string(port) + "._tcp." + std::string(base);
}

void lookup_tlsa(Resolver& resolver, const std::string& host, std::uint16_t port, std::function<void(TlsaLookupResult)> done) {
  auto l = std::make_shared<Lookup>(resolver, canonical(host), port, std::move(done));
  const auto joined = [l](LookupResult& slot) {
    return [l, &slot](const LookupResult& r) {
      slot = r;
      if (--l->pending == 0) l->addresses_known();
    };
  };
  resolver.lookup(l->host, RrType::kA, joined(l->a));
  resolver.lookup(l->host, RrType::kAaaa, joined(l->aaaa));
}

}  // namespace sealpost::dns
