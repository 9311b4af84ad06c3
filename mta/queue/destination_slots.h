// Per-destination concurrency (destconfig max_connections; Postfix's
// default_destination_concurrency_limit): at most `limit` deliveries to one destination — a
// recipient domain, or the hosts of its SMTP route — at once, so a relay with a full queue
// does not open fifty connections to one receiver. A delivery waits for a free slot in
// arrival order; the queue runner asks full() first so that waiting deliveries do not hold
// the relay's global slots.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "asio/asio.h"

namespace sealpost::mta {

class DestinationSlots {
 public:
  boost::asio::awaitable<void> acquire(const std::string& destination, std::uint32_t limit);
  void release(const std::string& destination);
  bool full(const std::string& destination, std::uint32_t limit) const;
  std::size_t in_use(const std::string& destination) const;

 private:
  struct Destination {
    std::size_t active = 0;
    std::deque<std::shared_ptr<boost::asio::steady_timer>> waiting;
  };
  static void wake_first(Destination& d);
  std::map<std::string, Destination> destinations_;
};

}  // namespace sealpost::mta
