// Addresses both directions carry (mta/smtp/address.h): the path syntax with and without
// SMTPUTF8 (RFC 6531 §3.3), the A-label form delivery uses, and what needs SMTPUTF8 at the
// next hop (RFC 6531 §3.7.4) and what goes out downgraded to A-labels.
#include <gtest/gtest.h>

#include "mta/smtp/address.h"

namespace sealpost::mta {
namespace {

constexpr const char* kBuecher =
    "b\xC3\xBC"
    "cher.example";  // bücher.example

TEST(Address, PathSyntax) {
  EXPECT_EQ(*parse_path("<a.b@Example.COM>", false, false), "a.b@example.com");
  EXPECT_EQ(*parse_path("<>", true, false), "");
  for (const char* bad :
       {"a@b.test", "<>", "<a b@c.test>", "<@route:a@b.test>", "<a@b..test>", "<a@>", "<a\x01@b.test>", "<a@x@b.test>"}) {
    EXPECT_FALSE(parse_path(bad, false, true)) << bad;
  }
}

TEST(Address, Utf8OnlyWithSmtputf8) {
  const std::string u = std::string("<u@") + kBuecher + ">";
  EXPECT_EQ(parse_path(u, false, false).error().message.substr(0, 10), "553 5.6.7 ");
  EXPECT_EQ(*parse_path(u, false, true), std::string("u@") + kBuecher);
  // UTS #46 folds case; the U-label form is the canonical one, whatever the client wrote.
  EXPECT_EQ(*parse_path("<u@B\xC3\x9C"
                        "CHER.Example>",
                        false, true),
            std::string("u@") + kBuecher);
  // An A-label stays an A-label (it is checked, not converted).
  EXPECT_EQ(*parse_path("<u@XN--bcher-kva.example>", false, false), "u@xn--bcher-kva.example");
  EXPECT_EQ(parse_path("<u@xn--bcher-kvb.example>", false, true).error().message.substr(0, 10), "501 5.1.2 ");
  // UTF-8 local parts (RFC 6531 §3.3 UTF8-non-ascii), well formed only.
  EXPECT_EQ(*parse_path("<\xE7\x94\xA8\xE6\x88\xB7@example.com>", false, true), "\xE7\x94\xA8\xE6\x88\xB7@example.com");
  for (const char* bad :
       {"<\xC0\xAF@example.com>", "<\xED\xA0\x80@example.com>", "<\xF4\x90\x80\x80@example.com>", "<\xE7\x94@example.com>"}) {
    EXPECT_EQ(parse_path(bad, false, true).error().message.substr(0, 10), "501 5.1.3 ") << bad;
  }
  EXPECT_EQ(parse_path("<u@\xE2\x98\x83.example>", false, true).error().message.substr(0, 10), "501 5.1.2 ");  // ☃: disallowed
  // A label whose Unicode form would not map back (U+3208) stays an A-label beside a U-label,
  // and the address reads back as itself (fuzz_address's finding).
  const auto mixed = parse_path("<u@a\xC3\xBC.xn--kmk>", false, true);
  ASSERT_TRUE(mixed) << mixed.error().message;
  EXPECT_EQ(*mixed, "u@xn--a-eha.xn--kmk");
  EXPECT_EQ(*parse_path("<" + *mixed + ">", false, true), *mixed);
  // Kept in A-labels (for xn--kmk), a path that fits as written (148 octets) does not (262).
  std::string long_domain;
  for (int i = 0; i < 19; ++i) long_domain += "a\xC3\xBC.";
  const auto too_long = parse_path("<" + std::string(64, 'l') + "@" + long_domain + "xn--kmk>", false, true);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().message, "501 5.1.3 Address too long (in A-labels)");
}

TEST(Address, DeliveryUsesALabels) {
  EXPECT_EQ(delivery_domain(std::string("u@") + kBuecher), "xn--bcher-kva.example");
  EXPECT_EQ(delivery_domain("u@example.com"), "example.com");
  EXPECT_EQ(ascii_address(std::string("u@") + kBuecher), "u@xn--bcher-kva.example");
  EXPECT_EQ(ascii_address("u@example.com"), "u@example.com");
  EXPECT_EQ(ascii_address(""), "");
}

TEST(Address, WhatNeedsSmtputf8) {
  const std::string ascii_headers = "Subject: hi\r\n\r\nbody \xC3\xBC\r\n";
  Envelope e{.from = "a@example.com", .recipients = {std::string("u@") + kBuecher}, .content = ascii_headers, .smtputf8 = true};
  EXPECT_FALSE(needs_smtputf8(e)) << "only the domain is UTF-8: it goes out as an A-label";
  e.recipients.push_back("\xC3\xBC@example.com");
  EXPECT_TRUE(needs_smtputf8(e));
  e.recipients.pop_back();
  e.from = "\xC3\xBC@example.com";
  EXPECT_TRUE(needs_smtputf8(e));
  e.from = "a@example.com";
  e.content = "Subject: \xC3\xBC\r\n\r\nbody\r\n";
  EXPECT_TRUE(needs_smtputf8(e)) << "UTF-8 header (RFC 6532)";
  e.smtputf8 = false;
  EXPECT_FALSE(needs_smtputf8(e)) << "a client without SMTPUTF8 sent 8-bit headers: sent as before";
}

}  // namespace
}  // namespace sealpost::mta
