// See peer_verification.h.
#include "mta/client/peer_verification.h"

namespace sealpost::mta {

Result<policy::VerificationTrace> verify_peer(const SessionContext& ctx, const SessionRequest& req,
                                              const std::vector<tls::Certificate>& chain) {
  const policy::ChainResult result = ctx.trust ? ctx.trust->validate(chain, ctx.verification_time())
                                               : policy::ChainResult{.ok = false, .error = "no trust store"};
  return verify_peer(req, result, chain);
}

Result<policy::VerificationTrace> verify_peer(const SessionRequest& req, const policy::ChainResult& validated,
                                              const std::vector<tls::Certificate>& chain) {
  auto facts = req.facts;
  facts.connected_ip = policy::IpAddress::parse(req.target.address.to_string());
  facts.ptr = req.ptr;
  return policy::verify_certificate(req.setting, validated, chain.front().names(), facts);
}

void verify_dane(const SessionContext& ctx, const SessionRequest& req, const std::vector<tls::Certificate>& chain,
                 policy::DaneTrace& trace) {
  verify_dane(req.dane.usable, chain, ctx.verification_time(),
              {.tlsa_base = trace.tlsa_base, .mx_host = req.target.host, .recipient_domain = req.facts.recipient_domain}, trace);
}

}  // namespace sealpost::mta
