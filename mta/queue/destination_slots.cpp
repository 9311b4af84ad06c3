// See destination_slots.h. A waiter is a timer that never expires by itself: release() takes
// the first one off the list and cancels it, which wakes exactly that delivery.
#include "mta/queue/destination_slots.h"

namespace sealpost::mta {

namespace asio = boost::asio;

asio::awaitable<void> DestinationSlots::acquire(const std::string& destination, std::uint32_t limit) {
  bool first_wait = true;
  for (;;) {
    Destination& d = destinations_[destination];
    if (d.active < limit && d.waiting.empty()) break;
    if (d.active < limit) wake_first(d);  // a slot is free (a reload raised the limit)
    auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    // A waiter that lost its slot to a newcomer keeps its place at the front.
    if (first_wait) {
      d.waiting.push_back(timer);
    } else {
      d.waiting.push_front(timer);
    }
    first_wait = false;
    boost::system::error_code ec;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (destinations_[destination].active < limit) break;
  }
  ++destinations_[destination].active;
}

void DestinationSlots::wake_first(Destination& d) {
  // Taken off the list as it is woken, so two releases in a row wake two waiters.
  d.waiting.front()->cancel();
  d.waiting.pop_front();
}

void DestinationSlots::release(const std::string& destination) {
  auto it = destinations_.find(destination);
  if (it == destinations_.end()) return;
  Destination& d = it->second;
  if (d.active > 0) --d.active;
  if (!d.waiting.empty()) {
    wake_first(d);
  } else if (d.active == 0) {
    destinations_.erase(it);
  }
}

bool DestinationSlots::full(const std::string& destination, std::uint32_t limit) const {
  const auto it = destinations_.find(destination);
  return it != destinations_.end() && (it->second.active >= limit || !it->second.waiting.empty());
}

std::size_t DestinationSlots::in_use(const std::string& destination) const {
  const auto it = destinations_.find(destination);
  return it == destinations_.end() ? 0 : it->second.active;
}

}  // namespace sealpost::mta
