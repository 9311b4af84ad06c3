// DNS wire format: the query we send and the answers we accept (RFC 1035 §4.1).
#include <gtest/gtest.h>

#include "dns/message.h"

namespace sealpost::dns {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(DnsMessage, QueryHasRdAdAndEdns) {
  auto q = build_query("Mx.Example.", RrType::kMx, 0x1234);
  ASSERT_TRUE(q);
  const Bytes want = {0x12, 0x34, 0x01, 0x20, 0,   1,    0,    0,   0,   0,   0,   1,  // header: RD, AD, 1 question, 1 additional
                      2,    'M',  'x',  7,    'E', 'x',  'a',  'm', 'p', 'l', 'e', 0, 0, 15,
                      0,    1,    0,    0,    41,  0x04, 0xd0, 0,   0,   0,   0,   0, 0};  // OPT, UDP 1232
  EXPECT_EQ(*q, want);
  EXPECT_FALSE(build_query("a..b", RrType::kA, 1));
  EXPECT_FALSE(build_query(std::string(64, 'a') + ".example", RrType::kA, 1));
  EXPECT_FALSE(build_query("", RrType::kA, 1));
}

// A response to "x.example MX": header, question, answers given as raw bytes.
Bytes response(std::uint8_t flags2, std::uint16_t ancount, const Bytes& answers) {
  Bytes m = {0,   1,   0x81, flags2, 0,  1, 0, static_cast<std::uint8_t>(ancount), 0, 0, 0, 0, 1, 'x', 7, 'e', 'x', 'a', 'm', 'p',
             'l', 'e', 0,    0,      15, 0, 1};
  for (const std::uint8_t b : answers) m.push_back(b);  // (g++ 12 -Warray-bounds misfires on insert here)
  return m;
}

TEST(DnsMessage, ParsesCompressedMxWithTtlAndAd) {
  // owner = pointer to the question name (offset 12); MX 10 mail.<pointer>
  const Bytes answer = {0xc0, 12, 0, 15, 0, 1, 0, 0, 0x0e, 0x10, 0, 9, 0, 10, 4, 'M', 'A', 'I', 'L', 0xc0, 12};
  auto m = parse_message(response(0xa0, 1, answer));  // RA + AD
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->authenticated_data);
  EXPECT_EQ(m->rcode, Rcode::kNoError);
  EXPECT_EQ(m->question_name, "x.example");
  ASSERT_EQ(m->answers.size(), 1u);
  EXPECT_EQ(m->answers[0].ttl, 3600u);
  const auto& mx = std::get<MxData>(m->answers[0].data);
  EXPECT_EQ(mx.preference, 10);
  EXPECT_EQ(mx.exchange, "mail.x.example");
}

TEST(DnsMessage, NullMxHasEmptyExchange) {
  const Bytes answer = {0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 3, 0, 0, 0};
  auto m = parse_message(response(0x80, 1, answer));
  ASSERT_TRUE(m);
  EXPECT_EQ(std::get<MxData>(m->answers[0].data).exchange, "");
}

TEST(DnsMessage, RejectsMalformedAnswers) {
  const std::vector<std::pair<const char*, Bytes>> bad = {
      {"pointer loop", response(0x80, 1, {0xc0, 27, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4})},
      {"pointer forward", response(0x80, 1, {0xc0, 200, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4})},
      {"rdata past end", response(0x80, 1, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 40, 1, 2, 3, 4})},
      {"A of 3 octets", response(0x80, 1, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3})},
      {"count beyond data", response(0x80, 2, {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4})},
      {"MX trailing bytes", response(0x80, 1, {0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 1, 0, 5, 0, 1, 0, 9, 9})},
      {"TXT string overruns", response(0x80, 1, {0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 1, 0, 3, 5, 'a', 'b'})},
      {"short header", Bytes{0, 1, 0x81}},
  };
  for (const auto& [what, wire] : bad) EXPECT_FALSE(parse_message(wire)) << what;
}

TEST(DnsMessage, OddLabelBytesAreEscapedNotTrusted) {
  // PTR target "a.b" as ONE label with a dot and a NUL in it.
  const Bytes answer = {0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 1, 0, 6, 4, 'a', '.', 0, 'b', 0};
  auto m = parse_message(response(0x80, 1, answer));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(std::get<std::string>(m->answers[0].data), "a\\.\\000b");
}

TEST(DnsMessage, TtlWithTopBitIsZero) {
  const Bytes answer = {0xc0, 12, 0, 1, 0, 1, 0x80, 0, 0, 1, 0, 4, 1, 2, 3, 4};
  auto m = parse_message(response(0x80, 1, answer));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->answers[0].ttl, 0u);  // RFC 2181 §8
}

}  // namespace
}  // namespace sealpost::dns
