// See schedule.h.
#include "mta/queue/schedule.h"

namespace sealpost::mta {

void Schedule::set(const std::string& id, std::int64_t when) {
  auto [it, added] = by_id_.try_emplace(id, when);
  if (!added) {
    by_time_.erase({it->second, id});
    it->second = when;
  }
  by_time_.insert({when, id});
}

void Schedule::forget(const std::string& id) {
  if (const auto it = by_id_.find(id); it != by_id_.end()) {
    by_time_.erase({it->second, id});
    by_id_.erase(it);
  }
}

std::vector<std::string> Schedule::ids() const {
  std::vector<std::string> out;
  out.reserve(by_id_.size());
  for (const auto& [id, when] : by_id_) out.push_back(id);
  return out;
}

std::vector<std::string> Schedule::due(std::int64_t now, std::size_t window, std::size_t limit,
                                       const std::function<bool(const std::string&)>& take) const {
  std::vector<std::string> out;
  std::size_t looked = 0;
  for (auto it = by_time_.begin(); it != by_time_.end() && it->first <= now && looked < window; ++it, ++looked) {
    if (out.size() >= limit) break;
    if (take(it->second)) out.push_back(it->second);
  }
  return out;
}

}  // namespace sealpost::mta
