// What GET /metrics answers (issue 16; KumoMTA and Postfix exporters for the choice of
// figures): the daemon's counters and gauges in the Prometheus text format — inbound
// connections, messages and recipients by result, the queue (size, oldest age, in flight),
// TLS outcomes by setting, result and failure stage, DANE and MTA-STS outcomes, handshakes
// full/resumed, connection reuse, DNS queries and cache hits, DSNs, alerts, spool commit
// latency.
// Names follow Prometheus conventions: `sealpost_` prefix, base units, counters `_total`.
// Read on the event loop, from the same parts `sealpost status` reads (admin_commands.h).
#pragma once

#include <chrono>
#include <string>

#include "mta/daemon/admin_commands.h"

namespace sealpost::mta {

std::string render_metrics(const AdminTarget& target, std::chrono::system_clock::time_point now);

}  // namespace sealpost::mta
