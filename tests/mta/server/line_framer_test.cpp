// The inbound framing (server/line_framer.h): lines at LF with the CR dropped, lines split
// across reads, the 1,000-octet limit of RFC 5321 §4.5.3.1.6 (a longer line is cut and
// marked, never buffered whole), and RFC 3207 §5's discard of what came after STARTTLS.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mta/server/line_framer.h"

namespace sealpost::mta {
namespace {

struct Seen {
  std::string text;
  bool overlong;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> drain(LineFramer& f) {
  std::vector<Seen> out;
  while (auto l = f.next()) out.push_back({std::string(l->text), l->overlong});
  return out;
}

TEST(LineFramer, LinesAtLfWithTheCrDroppedAndSplitAcrossReads_Rfc5321Section2_3_8) {
  LineFramer f;
  f.append("EHLO a\r\nMAIL FROM:<x@y>\nRC");
  EXPECT_EQ(drain(f), (std::vector<Seen>{{"EHLO a", false}, {"MAIL FROM:<x@y>", false}}));
  f.append("PT TO:<z@w>\r");
  EXPECT_TRUE(drain(f).empty());
  f.append("\n\r\n");
  EXPECT_EQ(drain(f), (std::vector<Seen>{{"RCPT TO:<z@w>", false}, {"", false}}));
}

TEST(LineFramer, TheLimitCountsTheCrlf_Rfc5321Section4_5_3_1_6) {
  LineFramer f;
  f.append(std::string(kMaxTextLine - 2, 'a') + "\r\n" + std::string(kMaxTextLine - 1, 'b') + "\r\n");
  const auto seen = drain(f);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_FALSE(seen[0].overlong);
  EXPECT_TRUE(seen[1].overlong);
}

TEST(LineFramer, ALineWithoutItsEndWithinTheLimitIsDroppedAsItArrives) {
  LineFramer f;
  for (int i = 0; i < 100; ++i) {
    f.append(std::string(500, 'x'));  // 50 kB without a line end: never held whole
    EXPECT_TRUE(drain(f).empty());
  }
  f.append("tail\r\nQUIT\r\n");
  const auto seen = drain(f);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].overlong);  // the end of the long line, refused
  EXPECT_EQ(seen[1], (Seen{"QUIT", false}));
}

TEST(LineFramer, WhatCameAfterStarttlsIsDiscarded_Rfc3207Section5) {
  LineFramer f;
  f.append("STARTTLS\r\nMAIL FROM:<evil@x>\r\nRCPT");
  const auto first = f.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text, "STARTTLS");
  EXPECT_EQ(f.discard(), std::string("MAIL FROM:<evil@x>\r\nRCPT").size());
  EXPECT_FALSE(f.next());
  f.append("EHLO again\r\n");
  EXPECT_EQ(drain(f), (std::vector<Seen>{{"EHLO again", false}}));
}

TEST(LineFramer, ADiscardInsideAnOverlongLineLeavesTheTlsSessionClean) {
  LineFramer f;
  f.append("STARTTLS\r\n" + std::string(3 * kMaxTextLine, 'x'));
  ASSERT_TRUE(f.next());
  f.discard();
  f.append("EHLO a\r\n");
  EXPECT_EQ(drain(f), (std::vector<Seen>{{"EHLO a", false}}));
}

}  // namespace
}  // namespace sealpost::mta
