// The message model: dot-stuffing (RFC 5321 §4.5.2, §2.3.8), and enhanced status codes
// kept apart from their text (RFC 3463 §2).
#include <gtest/gtest.h>

#include "mta/smtp/envelope.h"
#include "mta/smtp/status_code.h"

namespace sealpost::mta {
namespace {

TEST(DotStuffing, LeadingDotsLineEndsAndTerminator) {
  EXPECT_EQ(dot_stuff("a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
  EXPECT_EQ(dot_stuff(".\r\n"), "..\r\n.\r\n");
  EXPECT_EQ(dot_stuff("bare\nlf\rcr"), "bare\r\nlf\r\ncr\r\n.\r\n");
  EXPECT_EQ(dot_stuff(""), ".\r\n");
}

TEST(StatusCode, ParsedIntoClassSubjectAndDetail_Rfc3463Section2) {
  const auto c = StatusCode::parse("5.7.11");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status_class, StatusClass::kPermanent);
  EXPECT_EQ(c->subject, 7);
  EXPECT_EQ(c->detail, 11);
  EXPECT_EQ(c->to_string(), "5.7.11");
  EXPECT_EQ(StatusCode::parse("2.0.0")->status_class, StatusClass::kSuccess);
  for (const char* bad : {"", "5", "5.7", "3.0.0", "5.7.", "5..1", "5.1234.1", "5.1.1234", "5.a.1", "5.1.1 text", "x.1.1"}) {
    EXPECT_FALSE(StatusCode::parse(bad)) << bad;
  }
}

TEST(StatusCode, ADeferralIsClassFourWhateverTheRefusalWas) {
  EXPECT_EQ(as_transient("5.7.8"), "4.7.8");
  EXPECT_EQ(as_transient("5.01.1"), "4.01.1");  // subject and detail as the server wrote them
  EXPECT_EQ(as_transient("4.4.2"), "4.4.2");
  EXPECT_EQ(as_transient("2.0.0"), "2.0.0");
  EXPECT_EQ(as_transient(""), "");
  EXPECT_EQ(as_transient("550"), "550");  // not a code: unchanged, never edited by character
}

}  // namespace
}  // namespace sealpost::mta
