// The Prometheus text format writer (daemon/prometheus_text.h): HELP/TYPE lines, label
// escaping, number formatting, cumulative histogram buckets. promtool and a real Prometheus
// read the daemon's output in relay-ops-e2e.sh; this pins the details.
#include <gtest/gtest.h>

#include "mta/daemon/prometheus_text.h"
#include "mta/queue/latency_histogram.h"

namespace sealpost::mta {
namespace {

TEST(PrometheusText, FamiliesSamplesAndEscaping) {
  PrometheusText p;
  p.family("sealpost_x_total", "counter", "Things with a \\ backslash\nand a newline.");
  p.sample("sealpost_x_total", 3);
  p.sample("sealpost_x_total", {{"setting", "a\"b\\c\nd"}, {"stage", "chain"}}, 12345678901);
  p.sample("sealpost_x_total", {{"le", "x"}}, 0.25);
  EXPECT_EQ(p.text(),
            "# HELP sealpost_x_total Things with a \\\\ backslash\\nand a newline.\n"
            "# TYPE sealpost_x_total counter\n"
            "sealpost_x_total 3\n"
            "sealpost_x_total{setting=\"a\\\"b\\\\c\\nd\",stage=\"chain\"} 12345678901\n"
            "sealpost_x_total{le=\"x\"} 0.25\n");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeWithInfEqualToCount) {
  LatencyHistogram h;
  h.observe(std::chrono::microseconds(50));   // ≤ 0.0001
  h.observe(std::chrono::microseconds(700));  // ≤ 0.001
  h.observe(std::chrono::milliseconds(1));    // ≤ 0.001 (a bound is inclusive)
  h.observe(std::chrono::seconds(5));         // above the last bound: only in +Inf
  PrometheusText p;
  p.histogram("sealpost_spool_commit_seconds", h.bounds(), h.counts(), h.sum(), h.count());
  const std::string& t = p.text();
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_bucket{le=\"0.0001\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_bucket{le=\"0.0005\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_bucket{le=\"0.001\"} 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_bucket{le=\"2.5\"} 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_sum 5.00175\n"), std::string::npos) << t;
  EXPECT_NE(t.find("sealpost_spool_commit_seconds_count 4\n"), std::string::npos) << t;
}

}  // namespace
}  // namespace sealpost::mta
