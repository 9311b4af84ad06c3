// See host_dane.h.
#include "mta/client/host_dane.h"

#include "dns/tlsa_lookup.h"
#include "policy/ip_address.h"

namespace sealpost::mta {
namespace {

HostDane decided(const policy::DaneFacts& facts, const dns::TlsaLookupResult* tlsa, std::vector<tls::TlsaRecord> all) {
  HostDane out;
  out.usable = tls::usable_records(all);
  policy::DaneFacts f = facts;
  if (tlsa) {
    f.tlsa = tlsa->answer;
    f.detail = tlsa->detail;
  }
  f.usable_records = out.usable.size();
  const policy::DaneVerdict v = policy::dane_state(f);
  out.state = v.state;
  out.looked_up = tlsa != nullptr;
  auto& t = out.trace;
  t.state = v.state;
  t.mx_secure = facts.mx_secure;
  t.half = v.half;
  t.tlsa = f.tlsa;
  t.reason = v.reason;
  if (tlsa) t.tlsa_base = tlsa->base;
  for (const auto& r : all) {
    t.records.push_back(tls::to_string(r));
    if (const auto why = tls::unusable(r)) t.unusable.push_back(tls::to_string(r) + ": " + *why);
  }
  if (v.state != policy::DaneState::kUsable) out.usable.clear();
  return out;
}

}  // namespace

void lookup_host_dane(dns::Resolver& resolver, const std::string& host, std::uint16_t port, policy::DaneFacts facts,
                      std::function<void(HostDane)> done) {
  // Only a lookup that can change the outcome is made: DANE on, a trusted resolver, a name.
  const bool wanted = facts.setting != policy::TlsSetting::kNo && facts.mode != policy::DaneMode::kOff && facts.dnssec_trusted &&
                      (facts.mx_secure || facts.insecure_mx == policy::DaneInsecureMx::kDane) && !policy::IpAddress::parse(host);
  if (!wanted) {
    done(decided(facts, nullptr, {}));
    return;
  }
  dns::lookup_tlsa(resolver, host, port, [facts, done = std::move(done)](dns::TlsaLookupResult r) {
    std::vector<tls::TlsaRecord> all;
    for (const auto& d : r.records) {
      all.push_back({.usage = d.usage, .selector = d.selector, .matching_type = d.matching_type, .data = d.association});
    }
    done(decided(facts, &r, std::move(all)));
  });
}

}  // namespace sealpost::mta
