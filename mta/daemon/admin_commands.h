// The daemon's control requests (control_socket.h carries them): `status [--json]`, `reload`,
// `debug [CATEGORY on|off]`, `flush [ID]`, `hold|release|delete ID`. One request line in, an
// answer with its exit status out. Also the TLS tally that `status` shows: per destconfig
// setting, connections verified / encrypted / plaintext / failed by stage. Untrusted: the
// request line from any local process of the spool's owner; an unknown request is answered
// with exit status 2 and the request escaped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "dns/resolver.h"
#include "mta/client/connection_cache.h"
#include "mta/daemon/control_socket.h"
#include "mta/queue/queue_runner.h"
#include "mta/report/tls_outcome.h"
#include "mta/server/listener.h"
#include "mta/smtp/log_sink.h"
#include "policy/result.h"

namespace sealpost::mta {

class TlsTally {
 public:
  void add(const TlsOutcome& outcome);
  // setting → "connections", "verified", "encrypted", "plaintext", "failed:STAGE",
  // "dane:STATE", "dane:verified" → count
  const std::map<std::string, std::map<std::string, std::uint64_t>>& counts() const { return counts_; }
  // TLS handshakes done (a connection that carried a message parked before made none).
  struct Handshakes {
    std::uint64_t full = 0, resumed = 0;
  };
  const Handshakes& handshakes() const { return handshakes_; }

 private:
  std::map<std::string, std::map<std::string, std::uint64_t>> counts_;
  Handshakes handshakes_;
};

// What the requests act on and read from: the daemon's parts, for the length of one request.
struct AdminTarget {
  QueueRunner& queue;
  const Listener& listener;
  LogSink& log;
  const TlsTally& tally;
  const dns::Resolver& resolver;
  const ConnectionCache& parked;
  std::function<Status()> reload;
};

ControlAnswer answer_control(const std::string& request, const AdminTarget& target);

}  // namespace sealpost::mta
