// MX resolution (see mx_lookup.h). Untrusted: the MX and address answers.
#include "dns/mx_lookup.h"

#include <algorithm>
#include <memory>
#include <random>

namespace sealpost::dns {
namespace {

struct AddressJoin {
  std::vector<policy::IpAddress> v6, v4;
  LookupStatus s6 = LookupStatus::kTemporaryFailure, s4 = LookupStatus::kTemporaryFailure;
  bool ad6 = false, ad4 = false;
  std::string reason6, reason4;
  int pending = 2;
  std::function<void(std::vector<policy::IpAddress>, LookupStatus, bool, std::string)> done;

  void finish() {
    if (--pending > 0) return;
    std::vector<policy::IpAddress> all = v6;
    all.insert(all.end(), v4.begin(), v4.end());
    LookupStatus status = LookupStatus::kFound;
    std::string reason;
    if (all.empty()) {
      const bool temp = s6 == LookupStatus::kTemporaryFailure || s4 == LookupStatus::kTemporaryFailure;
      status = temp ? LookupStatus::kTemporaryFailure : LookupStatus::kNotFound;
      reason = s4 == status ? reason4 : reason6;
    }
    done(std::move(all), status, ad6 && ad4, std::move(reason));
  }
};

std::vector<policy::IpAddress> addresses_of(const LookupResult& r) {
  std::vector<policy::IpAddress> out;
  for (const auto& rr : r.records) {
    if (const auto* ip = std::get_if<policy::IpAddress>(&rr.data)) out.push_back(*ip);
  }
  return out;
}

struct MxJoin {
  MxResult result;
  std::size_t pending = 0;
  std::function<void(MxResult)> done;

  // Called once per host, or once with pending == 0 when there is no host at all.
  void finish() {
    if (pending > 0 && --pending > 0) return;
    bool usable = false, temporary = false;
    std::string last_problem;
    for (const auto& h : result.hosts) {
      usable = usable || h.problem.empty();
      temporary = temporary || (!h.problem.empty() && h.address_status == LookupStatus::kTemporaryFailure);
      if (!h.problem.empty()) last_problem = h.name + ": " + h.problem;
    }
    if (usable) {
      result.status = MxStatus::kFound;
    } else if (temporary) {
      result.status = MxStatus::kTemporaryFailure;
      result.reason = "no MX host address could be looked up: " + last_problem;
    } else {
      result.status = MxStatus::kNotFound;
      result.reason =
          result.implicit ? "the domain has no MX record and no A or AAAA record" : "no MX host has an address: " + last_problem;
    }
    done(std::move(result));
  }
};

}  // namespace

std::string_view to_string(MxStatus status) {
  switch (status) {
    case MxStatus::kFound: return "found";
    case MxStatus::kNotFound: return "not-found";
    case MxStatus::kNullMx: return "null-mx";
    case MxStatus::kTemporaryFailure: return "temporary-failure";
  }
  return "?";
}

void lookup_addresses(Resolver& resolver, const std::string& host,
                      std::function<void(std::vector<policy::IpAddress>, LookupStatus, bool, std::string)> done) {
  auto join = std::make_shared<AddressJoin>();
  join->done = std::move(done);
  resolver.lookup(host, RrType::kAaaa, [join](const LookupResult& r) {
    join->v6 = addresses_of(r);
    join->s6 = r.status;
    join->ad6 = r.authenticated;
    join->reason6 = r.reason;
    join->finish();
  });
  resolver.lookup(host, RrType::kA, [join](const LookupResult& r) {
    join->v4 = addresses_of(r);
    join->s4 = r.status;
    join->ad4 = r.authenticated;
    join->reason4 = r.reason;
    join->finish();
  });
}

void lookup_mx(Resolver& resolver, const std::string& domain, std::function<void(MxResult)> done, MxOptions options) {
  const std::string name = canonical(domain);
  resolver.lookup(
      name, RrType::kMx, [&resolver, name, done = std::move(done), options = std::move(options)](const LookupResult& r) mutable {
        auto join = std::make_shared<MxJoin>();
        join->done = std::move(done);
        MxResult& out = join->result;
        out.authenticated = r.authenticated;
        if (r.status == LookupStatus::kTemporaryFailure) {
          out.reason = r.reason;
          join->done(std::move(out));
          return;
        }
        if (r.status == LookupStatus::kNotFound && r.reason.starts_with("NXDOMAIN")) {
          out.status = MxStatus::kNotFound;
          out.reason = r.reason;
          join->done(std::move(out));
          return;
        }
        if (r.status == LookupStatus::kNotFound) {
          // RFC 5321 §5.1: no MX records: the domain itself is the implicit MX, preference 0.
          out.implicit = true;
          out.hosts.push_back({.name = name,
                               .preference = 0,
                               .addresses = {},
                               .authenticated = false,
                               .problem = {},
                               .address_status = LookupStatus::kFound});
        } else {
          std::vector<MxData> mxs;
          for (const auto& rr : r.records) {
            if (const auto* mx = std::get_if<MxData>(&rr.data)) mxs.push_back(*mx);
          }
          const bool has_null = std::any_of(mxs.begin(), mxs.end(), [](const MxData& m) { return m.exchange.empty(); });
          if (has_null && mxs.size() == 1) {
            out.status = MxStatus::kNullMx;
            out.reason = name + " does not accept mail (null MX, RFC 7505)";
            join->done(std::move(out));
            return;
          }
          // RFC 7505 §3: a null MX must stand alone; beside other MX records it is ignored.
          std::erase_if(mxs, [](const MxData& m) { return m.exchange.empty(); });
          std::sort(mxs.begin(), mxs.end(), [](const MxData& a, const MxData& b) { return a.preference < b.preference; });
          // One generator per thread, seeded once: seeding per lookup showed in the relay's profile.
          auto random = options.random ? options.random : [] {
            thread_local std::mt19937 rng{std::random_device{}()};
            return static_cast<std::uint32_t>(rng());
          };
          for (auto first = mxs.begin(); first != mxs.end();) {
            auto last = std::find_if(first, mxs.end(), [&](const MxData& m) { return m.preference != first->preference; });
            for (auto i = last - first; i > 1; --i)
              std::iter_swap(first + (i - 1), first + static_cast<std::ptrdiff_t>(random() % static_cast<std::uint32_t>(i)));
            first = last;
          }
          for (const auto& mx : mxs) {
            const std::string host = canonical(mx.exchange);
            const bool seen = std::any_of(out.hosts.begin(), out.hosts.end(), [&](const MxHost& h) { return h.name == host; });
            if (seen || out.hosts.size() == kMaxMxHosts) continue;
            out.hosts.push_back({.name = host,
                                 .preference = mx.preference,
                                 .addresses = {},
                                 .authenticated = false,
                                 .problem = {},
                                 .address_status = LookupStatus::kFound});
          }
        }
        // finish() hands the result over once the last host is done, possibly synchronously (from
        // the cache) inside this loop: nothing below may touch the result after the last start.
        const std::size_t n = out.hosts.size();
        if (n == 0) {
          join->finish();
          return;
        }
        join->pending = n;
        for (std::size_t i = 0; i < n; ++i) {
          MxHost& h = join->result.hosts[i];
          if (policy::IpAddress::parse(h.name)) {
            // RFC 5321 §5.1 / RFC 7505: an MX names a host; an address there is a configuration error.
            h.problem = "the MX target is an IP address, not a host name";
            h.address_status = LookupStatus::kNotFound;
            join->finish();
            continue;
          }
          lookup_addresses(resolver, h.name,
                           [join, i](std::vector<policy::IpAddress> addrs, LookupStatus status, bool ad, std::string reason) {
                             MxHost& host = join->result.hosts[i];
                             host.addresses = std::move(addrs);
                             host.address_status = status;
                             host.authenticated = ad;
                             if (status != LookupStatus::kFound) host.problem = "no address: " + reason;
                             join->finish();
                           });
        }
      });
}

}  // namespace sealpost::dns
