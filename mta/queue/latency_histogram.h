// A latency histogram with fixed upper bounds in seconds, for the metrics endpoint
// (daemon/metrics.h): how long a spool commit (write, fsync, rename, directory fsync) took.
// Bounds span a page-cache write (~0.1 ms) to a stalled disk (seconds). Not thread-safe:
// observed and read on the event loop only.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

namespace sealpost::mta {

class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
  void observe(std::chrono::steady_clock::duration d) {
    const double s = std::chrono::duration<double>(d).count();
    std::size_t i = 0;
    while (i < kBounds.size() && s > kBounds[i]) ++i;
    if (i < kBounds.size()) ++counts_[i];
    sum_ += s;
    ++count_;
  }
  std::vector<double> bounds() const { return {kBounds.begin(), kBounds.end()}; }
  // Per bucket (not cumulative); observations above the last bound are only in count().
  std::vector<std::uint64_t> counts() const { return {counts_.begin(), counts_.end()}; }
  double sum() const { return sum_; }
  std::uint64_t count() const { return count_; }

 private:
  std::array<std::uint64_t, kBounds.size()> counts_{};
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

}  // namespace sealpost::mta
