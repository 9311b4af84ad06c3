// See policy_txt_lookup.h.
#include "dns/policy_txt_lookup.h"

#include "policy/tlsrpt_txt.h"

namespace sealpost::dns {

std::vector<std::string> joined_txt_records(const LookupResult& r) {
  std::vector<std::string> records;
  for (const auto& rr : r.records) {
    const auto* strings = std::get_if<std::vector<std::string>>(&rr.data);
    if (!strings) continue;
    std::string joined;  // RFC 8461 §3.1, RFC 8460 §3: the strings of one record are concatenated
    for (const auto& s : *strings) joined += s;
    records.push_back(std::move(joined));
  }
  return records;
}

void lookup_tlsrpt_txt(Resolver& resolver, const std::string& domain, std::function<void(TlsRptResult)> done) {
  const std::string name = "_smtp._tls." + canonical(domain);
  resolver.lookup(name, RrType::kTxt, [name, done = std::move(done)](const LookupResult& r) {
    if (r.status != LookupStatus::kFound) return done({.rua = {}, .reason = name + ": " + r.reason});
    auto txt = policy::parse_tlsrpt_txt(joined_txt_records(r));
    if (!txt) return done({.rua = {}, .reason = name + ": " + txt.error().message});
    if (!*txt) return done({.rua = {}, .reason = "no v=TLSRPTv1 record at " + name});
    std::string list;
    for (const auto& u : (*txt)->rua) list += (list.empty() ? "" : ", ") + u;
    done({.rua = (*txt)->rua, .reason = name + ": v=TLSRPTv1, rua " + list});
  });
}

}  // namespace sealpost::dns
