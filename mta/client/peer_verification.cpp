// See peer_verification.h.
#include "mta/client/peer_verification.h"

namespace sealpost::mta {

namespace {

std::chrono::system_clock::time_point validation_time(const SessionContext& ctx) {
  return ctx.validation_time == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now() : ctx.validation_time;
}

}  // namespace

Result<policy::VerificationTrace> verify_peer(const SessionContext& ctx, const SessionRequest& req,
                                              const std::vector<tls::Certificate>& chain) {
  auto facts = req.facts;
  facts.connected_ip = policy::IpAddress::parse(req.target.address.to_string());
  facts.ptr = req.ptr;
  const auto at = validation_time(ctx);
  const policy::ChainResult result =
      ctx.trust ? ctx.trust->validate(chain, at) : policy::ChainResult{.ok = false, .error = "no trust store"};
  return policy::verify_certificate(req.setting, result, chain.front().names(), facts);
}

void verify_dane(const SessionContext& ctx, const SessionRequest& req, const std::vector<tls::Certificate>& chain,
                 policy::DaneTrace& trace) {
  verify_dane(req.dane.usable, chain, validation_time(ctx),
              {.tlsa_base = trace.tlsa_base, .mx_host = req.target.host, .recipient_domain = req.facts.recipient_domain}, trace);
}

}  // namespace sealpost::mta
