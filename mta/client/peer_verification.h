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

// The identity half again, for a chain already validated: a connection parked by one
// recipient domain carries another's message (connection_cache.h), and its trace says what
// the certificate presents against that message's REF-IDs.
Result<policy::VerificationTrace> verify_peer(const SessionRequest& request, const policy::ChainResult& validated,
                                              const std::vector<tls::Certificate>& chain);

// host_dane.h's verify_dane for this session: its host's usable records, the validation
// time, and the names of the TLSA base, the MX host and the recipient domain.
void verify_dane(const SessionContext& context, const SessionRequest& request, const std::vector<tls::Certificate>& chain,
                 policy::DaneTrace& trace);

}  // namespace sealpost::mta
