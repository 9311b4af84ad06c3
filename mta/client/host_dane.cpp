// See host_dane.h.
#include "mta/client/host_dane.h"

#include "dns/tlsa_lookup.h"
#include "policy/ip_address.h"

namespace sealpost::mta {
HostDane decide_host_dane(const policy::DaneFacts& facts, const std::string& base, const std::vector<tls::TlsaRecord>& all,
                          bool looked_up) {
  HostDane out;
  out.usable = tls::usable_records(all);
  policy::DaneFacts f = facts;
  f.usable_records = out.usable.size();
  const policy::DaneVerdict v = policy::dane_state(f);
  out.state = v.state;
  out.looked_up = looked_up;
  auto& t = out.trace;
  t.state = v.state;
  t.mx_secure = facts.mx_secure;
  t.half = v.half;
  t.tlsa = f.tlsa;
  t.reason = v.reason;
  t.tlsa_base = base;
  for (const auto& r : all) {
    t.records.push_back(tls::to_string(r));
    if (const auto why = tls::unusable(r)) t.unusable.push_back(tls::to_string(r) + ": " + *why);
  }
  if (v.state != policy::DaneState::kUsable) out.usable.clear();
  return out;
}

void verify_dane(const std::vector<tls::TlsaRecord>& usable, const std::vector<tls::Certificate>& chain,
                 std::chrono::system_clock::time_point at, const policy::DaneNames& names, policy::DaneTrace& trace) {
  const tls::TlsaMatch m = tls::match_tlsa(usable, chain, at);
  trace.reason = m.reason;
  if (!m.matched) return;
  trace.matched = tls::to_string(*m.record);
  trace.depth = m.depth;
  if (m.record->usage == 3) {
    // RFC 7672 §3.1.1: DANE-EE makes no name check.
    trace.rule = "dane-ee";
    trace.verified = true;
    return;
  }
  const auto matched = policy::match_dane_names(policy::presented_ids(chain.front().names()), names);
  trace.reason += matched.matched ? "; " + matched.reason : ", but the name check failed: " + matched.reason;
  trace.rule = matched.rule;
  trace.verified = matched.matched;
}

void lookup_host_dane(dns::Resolver& resolver, const std::string& host, std::uint16_t port, policy::DaneFacts facts,
                      std::function<void(HostDane)> done) {
  // Only a lookup that can change the outcome is made: DANE on, a trusted resolver, a name.
  const bool wanted = !policy::dane_inapplicable(facts) && !policy::IpAddress::parse(host);
  if (!wanted) {
    done(decide_host_dane(facts, "", {}, false));
    return;
  }
  dns::lookup_tlsa(resolver, host, port, [facts, done = std::move(done)](dns::TlsaLookupResult r) {
    std::vector<tls::TlsaRecord> all;
    for (const auto& d : r.records) {
      all.push_back({.usage = d.usage, .selector = d.selector, .matching_type = d.matching_type, .data = d.association});
    }
    policy::DaneFacts f = facts;
    f.tlsa = r.answer;
    f.detail = r.detail;
    done(decide_host_dane(f, r.base, all, true));
  });
}

}  // namespace sealpost::mta
