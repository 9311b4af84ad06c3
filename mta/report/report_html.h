// `sealpost report --html`: one self-contained page (no external scripts, styles or fonts)
// to put in front of a manager — per domain a per-day bar chart (inline SVG) of verified,
// encrypted-but-unverified, plaintext and failed connections, the totals, and the failure
// table with the most frequent reasons. A few lines of inline script add up the chart's
// numbers in the page itself, so a browser that renders it shows the same totals the table
// states (the headless-Chromium test checks both). Untrusted: names and reasons from the log,
// HTML-escaped here. At most kMaxChartedDomains charts, largest first.
#pragma once

#include <string>

#include "mta/report/report_stats.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxChartedDomains = 50;

std::string render_html(const Report& report, const std::string& title);

}  // namespace sealpost::mta
