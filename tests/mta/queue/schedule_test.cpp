// The queue's schedule (queue/schedule.h): due messages in time order, moved and forgotten by
// ID, the look-ahead window and the start limit the queue runner relies on.
#include <gtest/gtest.h>

#include "mta/queue/schedule.h"

namespace sealpost::mta {
namespace {

const auto kAll = [](const std::string&) { return true; };

TEST(Schedule, DueInTimeOrderAndMovedById) {
  Schedule s;
  s.set("C", 30);
  s.set("A", 10);
  s.set("B", 20);
  EXPECT_EQ(s.due(25, 100, 100, kAll), (std::vector<std::string>{"A", "B"}));
  s.set("A", 40);  // retried later: moved, not duplicated
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.due(100, 100, 100, kAll), (std::vector<std::string>{"B", "C", "A"}));
  s.forget("B");
  s.forget("nothing");
  EXPECT_FALSE(s.contains("B"));
  EXPECT_EQ(s.ids(), (std::vector<std::string>{"A", "C"}));
}

TEST(Schedule, TheWindowAndTheLimitBoundOneWakeUp) {
  Schedule s;
  for (int i = 0; i < 10; ++i) s.set(std::string(1, static_cast<char>('A' + i)), i);
  const auto odd = [](const std::string& id) { return (id[0] - 'A') % 2 == 1; };
  EXPECT_EQ(s.due(100, 4, 100, odd), (std::vector<std::string>{"B", "D"}));  // looked at A–D only
  EXPECT_EQ(s.due(100, 100, 2, kAll), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(s.due(100, 100, 0, kAll).empty());
}

}  // namespace
}  // namespace sealpost::mta
