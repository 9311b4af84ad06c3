// See session_outcome.h.
#include "mta/client/session_outcome.h"

#include <algorithm>

#include "mta/client/peer_verification.h"

namespace sealpost::mta {

void take_parked_outcome(TlsOutcome& o, TlsOutcome parked, const SessionRequest& request,
                         const std::vector<tls::Certificate>& chain) {
  take_tls_session(o, parked);
  o.trace = std::move(parked.trace);
  if (o.trace && !chain.empty() && parked.recipient_domain != o.recipient_domain) {
    auto trace = verify_peer(request, o.trace->chain, chain);
    o.trace = trace ? std::optional(std::move(*trace)) : std::nullopt;
  }
  o.dane = std::move(parked.dane);
  if (o.mta_sts && parked.mta_sts) {
    o.mta_sts->result = parked.mta_sts->result;
    o.mta_sts->reason = parked.mta_sts->reason;
  }
  o.connection_reused = true;
}

void close_outcome(SessionResult& result, const std::string& tls_note, const SessionEnd& end) {
  auto& o = result.outcome;
  // No TLS session with a host the policy covers fails it (or, under testing, would have).
  if (o.mta_sts && end.sts_checked && o.mta_sts->result == policy::StsResult::kNotEvaluated && o.tls_version.empty() &&
      (end.in_clear || (o.starttls != StartTls::kNotAttempted && o.starttls != StartTls::kOk))) {
    o.mta_sts->result = policy::StsResult::kStarttls;
    o.mta_sts->reason = end.in_clear
                            ? "delivered in clear after a failed TLS handshake"
                            : "no TLS session with " + end.where + " (STARTTLS " + std::string(to_string(o.starttls)) + ")";
  }
  if (result.verdict == HostVerdict::kDone) {
    if (o.result != OutcomeResult::kProbed) {  // a probe ends where mail would be sent
      const auto any = [&](RecipientStatus s) {
        return std::any_of(result.recipients.begin(), result.recipients.end(),
                           [&](const RecipientResult& r) { return r.status == s; });
      };
      o.result = any(RecipientStatus::kSent)       ? OutcomeResult::kSent
                 : any(RecipientStatus::kDeferred) ? OutcomeResult::kDeferred
                                                   : OutcomeResult::kBounced;
      o.stage = OutcomeStage::kQuit;
    }
    o.reason = tls_note;
    return;
  }
  o.status = result.status;
  o.reason = result.reason;
  switch (result.verdict) {
    case HostVerdict::kRetryInClear: o.result = OutcomeResult::kRetryInClear; break;
    case HostVerdict::kDefer: o.result = OutcomeResult::kDeferred; break;
    default: o.result = OutcomeResult::kNextHost; break;
  }
}

}  // namespace sealpost::mta
