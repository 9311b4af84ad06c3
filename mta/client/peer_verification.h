// The verification of a server's certificate once the handshake is done (TLS-POLICY.md §1,
// §8–9): the chain against the trust store at the validation time, then the presented
// identifiers against the REF-IDs built from the delivery's facts, the connected address and
// its forward-confirmed PTR names. The session decides what a failure means (§7); this only
// builds the trace. Untrusted: the server's chain.
#pragma once

#include <vector>

#include "mta/client/smtp_session.h"
#include "policy/verification.h"
#include "tls/certificate.h"

namespace sealpost::mta {

// An error only when the facts cannot form REF-IDs (policy::verify_certificate).
Result<policy::VerificationTrace> verify_peer(const SessionContext& context, const SessionRequest& request,
                                              const std::vector<tls::Certificate>& chain);

// DANE (RFC 7672 §3.1–3.2) against the host's usable TLSA records: DANE-EE on the leaf alone;
// DANE-TA on the path to the matched certificate, then the names of policy::match_dane_names.
// Fills the trace's matched record, depth, rule, verdict and reason.
void verify_dane(const SessionContext& context, const SessionRequest& request, const std::vector<tls::Certificate>& chain,
                 policy::DaneTrace& trace);

}  // namespace sealpost::mta
