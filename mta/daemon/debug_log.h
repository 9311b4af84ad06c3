// The relay's debug categories (etc/sealpost.toml [log] debug, `sealpost debug` at run
// time): one line per event, for the administrator who needs to see why. `dns`: each query
// the resolver sends and what came back (a Transport decorator, so cached answers, which are
// not queries, are not repeated); `smtp`: the inbound dialogue (commands and replies, never
// message content) and each outbound connection's end; `tls`: each handshake's facts;
// `pki`: the chain and identity decision with the REF-IDs; `queue`: scheduling. Text from the
// network is escaped before it gets here or here.
#pragma once

#include <functional>
#include <string>

#include "dns/transport.h"
#include "mta/report/tls_outcome.h"

namespace sealpost::mta {

// Logs every query through `log` and passes it on to `inner`.
class LoggingTransport final : public dns::Transport {
 public:
  using Log = std::function<void(const std::string&)>;
  LoggingTransport(dns::Transport& inner, Log log) : inner_(inner), log_(std::move(log)) {}
  void query(const std::string& name, dns::RrType type, Handler handler) override;

 private:
  dns::Transport& inner_;
  Log log_;
};

std::string describe_tls(const TlsOutcome& outcome);   // "host[ip]:port STARTTLS ok, TLS v1.2 …"
std::string describe_pki(const TlsOutcome& outcome);   // chain, anchor, identity, REF-IDs; "" without a trace
std::string describe_dane(const TlsOutcome& outcome);  // DANE state, TLSA base, records, verdict; "" without DANE
std::string describe_sts(const TlsOutcome& outcome);   // MTA-STS policy, patterns, result; "" without a policy
std::string describe_smtp(const TlsOutcome& outcome);  // stage reached, result, status, reason

}  // namespace sealpost::mta
