// See sts_txt_lookup.h.
#include "dns/sts_txt_lookup.h"

#include "dns/policy_txt_lookup.h"
#include "policy/mta_sts.h"

namespace sealpost::dns {

void lookup_sts_txt(Resolver& resolver, const std::string& domain, std::function<void(StsTxtResult)> done) {
  const std::string name = "_mta-sts." + canonical(domain);
  resolver.lookup(name, RrType::kTxt, [name, done = std::move(done)](const LookupResult& r) {
    using policy::StsTxtAnswer;
    if (r.status == LookupStatus::kTemporaryFailure)
      return done({.answer = StsTxtAnswer::kDnsError, .id = {}, .reason = r.reason});
    if (r.status == LookupStatus::kNotFound) {
      return done({.answer = StsTxtAnswer::kNone, .id = {}, .reason = "no TXT record at " + name + " (" + r.reason + ")"});
    }
    auto txt = policy::parse_sts_txt(joined_txt_records(r));
    if (!txt) return done({.answer = StsTxtAnswer::kInvalid, .id = {}, .reason = name + ": " + txt.error().message});
    if (!*txt) return done({.answer = StsTxtAnswer::kNone, .id = {}, .reason = "no v=STSv1 record at " + name});
    done({.answer = StsTxtAnswer::kFound, .id = (*txt)->id, .reason = name + ": v=STSv1, id " + (*txt)->id});
  });
}

}  // namespace sealpost::dns
