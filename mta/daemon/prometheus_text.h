// The Prometheus text exposition format, version 0.0.4 (what `promtool check metrics` and a
// Prometheus server read): one `# HELP` and `# TYPE` line per family, then its samples, label
// values escaped (backslash, double quote, newline). Label values come from our own state,
// but some of them (a setting name, a failure stage, a fetch failure type) are words a
// configuration or a peer chose, so they are escaped, never trusted to be plain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sealpost::mta {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // Starts a family; its samples follow. `type`: counter, gauge or histogram.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // A histogram's samples: cumulative `_bucket{le=…}` counts (upper bounds ascending, +Inf
  // last, equal to `count`), `_sum` and `_count`.
  void histogram(std::string_view name, const std::vector<double>& bounds, const std::vector<std::uint64_t>& counts, double sum,
                 std::uint64_t count);
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

}  // namespace sealpost::mta
