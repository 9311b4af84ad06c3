// The end of a session's outcome record (DESIGN.md "Logs"): what the attempt amounted to
// (sent, deferred, bounced, next-host, retry-in-clear), its status and reason, and what
// MTA-STS makes of a host the policy covers that never reached TLS (RFC 8461 §5).
#pragma once

#include <string>
#include <vector>

#include "mta/client/smtp_session.h"

namespace sealpost::mta {

struct SessionEnd {
  bool in_clear = false;     // the clear retry after a failed handshake
  bool sts_checked = false;  // an MTA-STS policy covers the host and DANE does not decide
  std::string where;         // "HOST[IP]"
};

// A message on a parked connection (connection_cache.h): its record takes what the
// connection's first session learned — the TLS session, DANE, the MTA-STS verdict under this
// message's own policy — and the verification trace, recomputed against this message's
// REF-IDs when another recipient domain parked the connection (a setting that does not
// verify: delivery.cpp's reuse_key).
void take_parked_outcome(TlsOutcome& o, TlsOutcome parked, const SessionRequest& request,
                         const std::vector<tls::Certificate>& chain);

// `tls_note`: why TLS is absent or unverified when delivery went on anyway.
void close_outcome(SessionResult& result, const std::string& tls_note, const SessionEnd& end);

}  // namespace sealpost::mta
