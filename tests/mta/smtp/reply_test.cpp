// SMTP reply parsing (RFC 5321 §4.2, RFC 3463) and EHLO keywords.
#include <gtest/gtest.h>

#include "mta/smtp/reply.h"

namespace sealpost::mta {
namespace {

Reply parse(std::initializer_list<std::string_view> lines) {
  ReplyParser p;
  for (auto l : lines) {
    auto r = p.feed(l);
    EXPECT_TRUE(r) << r.error().message;
    if (r && *r) return **r;
  }
  ADD_FAILURE() << "reply did not end";
  return {};
}

TEST(SmtpReply, SingleAndMultiLineWithEnhancedCodes) {
  auto r = parse({"250 2.1.0 Ok"});
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.enhanced, "2.1.0");
  r = parse({"250-mx.example.com", "250-PIPELINING", "250 STARTTLS"});
  EXPECT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.enhanced, "");
  EXPECT_EQ(r.summary(), "250 mx.example.com ...");
  r = parse({"554"});
  EXPECT_TRUE(r.permanent());
  EXPECT_EQ(parse({"451 4.7.1 later"}).enhanced, "4.7.1");
  EXPECT_EQ(parse({"451 5.7.1 class differs from the code"}).enhanced, "");
  EXPECT_EQ(parse({"250 2.1234.0 too long"}).enhanced, "");
}

TEST(SmtpReply, MalformedRepliesAreErrors) {
  for (std::string_view bad : {"", "25", "abc", "250x", "650 no such class", "150 preliminary"}) {
    ReplyParser p;
    EXPECT_FALSE(p.feed(bad)) << bad;
  }
  ReplyParser p;
  ASSERT_TRUE(p.feed("250-first"));
  EXPECT_FALSE(p.feed("251 changed code"));
  EXPECT_FALSE(ReplyParser().feed("250 " + std::string(600, 'x')));
  ReplyParser many;
  for (std::size_t i = 0; i < kMaxReplyLines; ++i) ASSERT_TRUE(many.feed("250-x"));
  EXPECT_FALSE(many.feed("250-x"));
}

TEST(SmtpReply, ControlBytesInSummaryAreEscaped) {
  const auto r = parse({"550 bad\x1b[31m"});
  EXPECT_EQ(r.summary().find('\x1b'), std::string::npos);
}

TEST(EhloCapabilities, Keywords) {
  const auto caps = parse_ehlo(parse({"250-mx.example.com greets you", "250-PIPELINING", "250-SIZE 10240000", "250-starttls",
                                      "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250 8BITMIME"}));
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_TRUE(caps.enhanced_status_codes);
  EXPECT_EQ(caps.size, 10240000u);
  EXPECT_EQ(caps.auth, (std::vector<std::string>{"PLAIN", "LOGIN"}));
  // The greeting line is not a keyword, and a bad SIZE means "no limit known".
  const auto greeting_only = parse_ehlo(parse({"250-STARTTLS", "250 SIZE lots"}));
  EXPECT_FALSE(greeting_only.starttls);
  EXPECT_EQ(greeting_only.size, 0u);
}

}  // namespace
}  // namespace sealpost::mta
