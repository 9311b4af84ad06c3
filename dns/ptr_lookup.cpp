// Reverse lookups with forward answers (see ptr_lookup.h). Untrusted: PTR answers.
#include "dns/ptr_lookup.h"

#include <memory>

#include "dns/mx_lookup.h"

namespace sealpost::dns {

std::string reverse_name(const policy::IpAddress& ip) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto o = ip.octets();
  std::string name;
  for (auto it = o.rbegin(); it != o.rend(); ++it) {
    if (ip.is_v4()) {
      name += std::to_string(*it) + ".";
    } else {
      name += kHex[*it & 0xf];
      name += '.';
      name += kHex[*it >> 4];
      name += '.';
    }
  }
  return name + (ip.is_v4() ? "in-addr.arpa" : "ip6.arpa");
}

void lookup_ptr(Resolver& resolver, const policy::IpAddress& ip, std::function<void(PtrResult)> done) {
  resolver.lookup(reverse_name(ip), RrType::kPtr, [&resolver, done = std::move(done)](const LookupResult& r) {
    struct Join {
      PtrResult result;
      std::size_t pending = 0;
      std::function<void(PtrResult)> done;
    };
    auto join = std::make_shared<Join>();
    join->done = std::move(done);
    join->result.status = r.status;
    join->result.authenticated = r.authenticated;
    join->result.reason = r.reason;
    for (const auto& rr : r.records) {
      if (const auto* name = std::get_if<std::string>(&rr.data); name && join->result.names.size() < kMaxPtrNames) {
        join->result.names.push_back({.name = *name, .addresses = {}});
      }
    }
    // The last forward lookup may finish synchronously (cache) and hand the result over:
    // the loop bound is taken before, and nothing touches the result after the last start.
    const std::size_t n = join->result.names.size();
    join->pending = n;
    if (n == 0) {
      join->done(std::move(join->result));
      return;
    }
    for (std::size_t i = 0; i < n; ++i) {
      // A name whose forward lookup fails simply stays unconfirmed (no addresses).
      lookup_addresses(resolver, join->result.names[i].name,
                       [join, i](std::vector<policy::IpAddress> addrs, LookupStatus, bool, std::string) {
                         join->result.names[i].addresses = std::move(addrs);
                         if (--join->pending == 0) join->done(std::move(join->result));
                       });
    }
  });
}

}  // namespace sealpost::dns
