// What the commands that talk to real servers (`tlsverify` live, `send`) share: the trust
// store from --trust/--no-system-trust, and one delivery run on its own io_context with a
// c-ares resolver (--dns-server) and a TLS client context.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "mta/client/delivery.h"
#include "policy/result.h"
#include "tls/trust_store.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {

// --trust FILE|NAME (repeatable; default every trustpoint in ETC/trust) and the system
// bundle unless --no-system-trust.
Result<tls::TrustStore> load_trust(const Context& ctx, const Args& args);

struct LiveRun {
  std::vector<std::string> dns_servers;  // --dns-server; empty: /etc/resolv.conf
  tls::TrustStore trust;
  tls::TlsClientContext tls;
  mta::SessionContext session;  // trust and tls are pointed at the members above by run_delivery
};

// From the options both commands take: --dns-server, --helo, --timeout, --at, --trust,
// --no-system-trust.
Result<std::unique_ptr<LiveRun>> live_run_from(const Context& ctx, const Args& args);

// Runs the coroutine `body` makes on its own io_context, with a c-ares resolver on
// --dns-server, until everything it started is done.
Status run_live(LiveRun& run, const std::function<boost::asio::awaitable<void>(dns::Resolver&)>& body);

Result<mta::DeliveryResult> run_delivery(LiveRun& run, mta::DeliveryRequest request, mta::OutcomeSink sink = {});

}  // namespace sealpost::cli
