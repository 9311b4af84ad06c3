// Fuzz target: a TLS outcome log line as `sealpost report` reads it (mta/report/outcome_reader.h),
// then the report's aggregation and every rendering of it. Untrusted: log files. Invariants:
// no crash; a line that parses is counted exactly once.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mta/report/outcome_reader.h"
#include "mta/report/report_html.h"
#include "mta/report/report_stats.h"
#include "mta/report/report_tlsrpt.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::mta;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto r = parse_outcome_line(line);
  if (!r) return 0;
  Report report;
  report.add(*r);
  if (report.totals().connections != 1) std::abort();
  (void)render_table(report);
  (void)render_json(report);
  (void)render_csv(report);
  (void)render_tlsrpt(report, {});
  (void)render_html(report, "fuzz");
  return 0;
}
