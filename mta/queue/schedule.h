// When each queued message is tried next (Unix seconds), by queue ID and in time order. The
// queue runner reads only the front of the time order, so a large queue costs nothing per
// wake-up; moving or forgetting a message is O(log n). No I/O: the spool's state files are
// the durable copy, this is rebuilt from them at start.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sealpost::mta {

class Schedule {
 public:
  void set(const std::string& id, std::int64_t when);  // adds, or moves an ID already there
  void forget(const std::string& id);
  bool contains(const std::string& id) const { return by_id_.contains(id); }
  std::size_t size() const { return by_id_.size(); }
  std::vector<std::string> ids() const;
  // The IDs due at `now`, in time order, for which `take` says yes, looking at no more than
  // `window` entries and stopping once `take` has said yes `limit` times.
  std::vector<std::string> due(std::int64_t now, std::size_t window, std::size_t limit,
                               const std::function<bool(const std::string&)>& take) const;

 private:
  std::map<std::string, std::int64_t> by_id_;
  std::set<std::pair<std::int64_t, std::string>> by_time_;
};

}  // namespace sealpost::mta
