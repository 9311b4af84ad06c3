// Where the relay's parts write their log lines (the program owns spdlog and hands a
// callback in) and which debug categories are on (etc/sealpost.toml [log] debug, changed at
// run time by `sealpost debug`). One sink is shared by the daemon, the listener, the queue
// runner and the resolver's logging transport, so whoever outlives whom still logs safely.
// Text from the network is escaped before it gets here.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace sealpost::mta {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

class LogSink {
 public:
  using Write = std::function<void(LogLevel, const std::string&)>;
  explicit LogSink(Write write) : write_(std::move(write)) {}

  void operator()(LogLevel level, const std::string& line) const {
    if (write_) write_(level, line);
  }
  bool debugging(std::string_view category) const { return debug_on_.contains(category); }
  // At info level, so a category switched on shows whatever the log level.
  void debug(std::string_view category, const std::string& line) const {
    if (debugging(category)) (*this)(LogLevel::kInfo, "debug " + std::string(category) + ": " + line);
  }
  template <class Categories>
  void set_debug(const Categories& categories) {
    debug_on_ = {categories.begin(), categories.end()};
  }
  void switch_debug(const std::string& category, bool on) {
    if (on)
      debug_on_.insert(category);
    else
      debug_on_.erase(category);
  }

 private:
  Write write_;
  std::set<std::string, std::less<>> debug_on_;
};

}  // namespace sealpost::mta
