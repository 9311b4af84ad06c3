// Per-destination concurrency (destconfig max_connections): never more than the limit at
// once per destination, waiters served in arrival order, destinations independent.
#include <gtest/gtest.h>

#include "mta/queue/destination_slots.h"

namespace sealpost::mta {
namespace {

namespace asio = boost::asio;

TEST(DestinationSlots, LimitPerDestinationInArrivalOrder) {
  asio::io_context io;
  DestinationSlots slots;
  std::vector<int> got;
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          co_await slots.acquire("mx.example", 2);
          got.push_back(i);
        },
        asio::detached);
  }
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await slots.acquire("other.example", 2);  // another destination does not wait
        got.push_back(100);
      },
      asio::detached);
  io.poll();  // run() would wait for the waiting deliveries forever
  io.restart();
  EXPECT_EQ(got, (std::vector<int>{0, 1, 100}));
  EXPECT_EQ(slots.in_use("mx.example"), 2u);
  EXPECT_TRUE(slots.full("mx.example", 2));
  EXPECT_FALSE(slots.full("other.example", 2));

  slots.release("mx.example");
  io.poll();
  io.restart();
  EXPECT_EQ(got, (std::vector<int>{0, 1, 100, 2}));
  EXPECT_EQ(slots.in_use("mx.example"), 2u);

  slots.release("mx.example");
  slots.release("mx.example");
  io.poll();
  io.restart();
  EXPECT_EQ(got, (std::vector<int>{0, 1, 100, 2, 3, 4}));
  EXPECT_EQ(slots.in_use("mx.example"), 2u);
  for (int i = 0; i < 2; ++i) slots.release("mx.example");
  EXPECT_EQ(slots.in_use("mx.example"), 0u);
  EXPECT_FALSE(slots.full("mx.example", 1));
}

}  // namespace
}  // namespace sealpost::mta
