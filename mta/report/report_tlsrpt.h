// RFC 8460 aggregate reports from the TLS outcome log: one JSON report per policy domain
// (recipient domain) per UTC day (§4.1: a 24-hour period, UTC), with the field names of
// §4.4, the summary of successful and failed sessions, and failure details per result type
// (§4.3), receiving MX host and IP. One policy entry per policy met that day: "tlsa" with the
// TLSA base as policy-domain and the records as policy-string where DANE applied (§4.4;
// Postfix does the same), "sts" with the policy's lines and mx patterns where an MTA-STS
// policy applied, "no-policy-found" otherwise. File names as §5.3:
// sender!policy-domain!begin!end.json.
#pragma once

#include <string>
#include <vector>

#include "mta/report/report_stats.h"

namespace sealpost::mta {

struct TlsRptOptions {
  std::string organization = "Sealpost";         // organization-name
  std::string contact = "postmaster@localhost";  // contact-info (an address or URI)
  std::string sender = "sealpost";               // the reporting domain, in file names and report IDs
};

struct TlsRptFile {
  std::string name;  // §5.3
  std::string json;
  std::vector<std::string> rua;  // the domain's _smtp._tls rua URIs (§3), as delivery recorded them; empty: unknown
};

std::vector<TlsRptFile> render_tlsrpt(const Report& report, const TlsRptOptions& options);

}  // namespace sealpost::mta
