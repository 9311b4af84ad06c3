// The inbound SMTP state machine without the network (RFC 5321 §4): a delivery with
// pipelining, STARTTLS, relay control, limits and sequence, SMTPUTF8 (address syntax itself:
// tests/mta/smtp/address_test.cpp).
#include <gtest/gtest.h>

#include "mta/server/inbound_session.h"

namespace sealpost::mta {
namespace {

std::string talk(InboundSession& s, std::initializer_list<std::string_view> lines) {
  std::string out;
  for (auto l : lines) out += s.on_line(l).reply;
  return out;
}

TEST(InboundSession, ADeliveryWithPipeliningAndDotUnstuffing) {
  InboundSession s({.hostname = "relay.test", .now = [] { return std::chrono::system_clock::from_time_t(1767225600); }},
                   {.address = "127.0.0.1", .relay_allowed = true});
  EXPECT_EQ(s.greeting(), "220 relay.test ESMTP Sealpost\r\n");
  const std::string ehlo = s.on_line("EHLO client.test").reply;
  EXPECT_NE(ehlo.find("250-PIPELINING"), std::string::npos);
  EXPECT_NE(ehlo.find("250-SIZE 10240000"), std::string::npos);
  EXPECT_EQ(talk(s, {"MAIL FROM:<a@x.test> SIZE=100 BODY=8BITMIME", "RCPT TO:<b@Y.TEST>", "DATA"}),
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(s.on_line("Subject: hi").reply, "");
  s.on_line("");
  s.on_line("..leading dot");
  const auto end = s.on_line(".");
  ASSERT_TRUE(end.message);
  EXPECT_EQ(end.message->recipients, std::vector<std::string>{"b@y.test"});
  EXPECT_NE(end.message->content.find("\r\n.leading dot\r\n"), std::string::npos);
  EXPECT_EQ(
      end.message->content.rfind(
          "Received: from client.test [127.0.0.1] by relay.test (Sealpost) with ESMTP; Thu, 01 Jan 2026 00:00:00 +0000\r\n", 0),
      0u);
  EXPECT_EQ(s.committed(std::string("0123456789ABCDEF")), "250 2.0.0 Ok: queued as 0123456789ABCDEF\r\n");
  EXPECT_EQ(s.committed(Error{"disk full"}), "451 4.3.0 Error: queue file write error\r\n");
}

TEST(InboundSession, StarttlsOnlyWhenOfferedAndTheSessionStartsOver) {
  InboundSession plain({.hostname = "relay.test"}, {.address = "127.0.0.1", .relay_allowed = true});
  EXPECT_EQ(plain.on_line("EHLO c").reply.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(plain.on_line("STARTTLS").reply, "502 5.5.1 Error: STARTTLS is not offered here\r\n");

  InboundSession s({.hostname = "relay.test", .starttls = true}, {.address = "127.0.0.1", .relay_allowed = true});
  EXPECT_NE(s.on_line("EHLO c").reply.find("250-STARTTLS\r\n"), std::string::npos);
  EXPECT_EQ(s.on_line("STARTTLS now").reply, "501 5.5.4 Syntax: STARTTLS\r\n");
  s.on_line("MAIL FROM:<a@x.test>");
  EXPECT_EQ(s.on_line("STARTTLS").reply, "503 5.5.1 Error: MAIL transaction in progress\r\n");
  s.on_line("RSET");
  const auto go = s.on_line("STARTTLS");
  EXPECT_EQ(go.reply, "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_TRUE(go.start_tls);
  s.tls_started("TLS v1.2 AES_256_GCM");
  // RFC 3207 §4.2: what was said in clear is forgotten; EHLO again, no STARTTLS offered.
  EXPECT_EQ(s.on_line("MAIL FROM:<a@x.test>").reply, "503 5.5.1 Error: send HELO/EHLO first\r\n");
  EXPECT_EQ(s.on_line("EHLO c").reply.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(s.on_line("STARTTLS").reply, "554 5.5.1 Error: TLS already active\r\n");
  talk(s, {"MAIL FROM:<a@x.test>", "RCPT TO:<b@y.test>", "DATA", "x"});
  const auto end = s.on_line(".");
  ASSERT_TRUE(end.message);
  EXPECT_NE(end.message->content.find(" with ESMTPS (TLS v1.2 AES_256_GCM); "), std::string::npos);
}

TEST(InboundSession, NeverAnOpenRelay) {
  InboundSession s({}, {.address = "192.0.2.7", .relay_allowed = false});
  EXPECT_EQ(talk(s, {"EHLO x", "MAIL FROM:<a@x.test>"}).substr(0, 3), "250");
  EXPECT_EQ(s.on_line("RCPT TO:<b@y.test>").reply, "554 5.7.1 <b@y.test>: Relay access denied\r\n");
  EXPECT_EQ(s.on_line("DATA").reply.substr(0, 3), "554");
}

TEST(InboundSession, LimitsAndSequence) {
  InboundSession s({.limits = {.max_message_size = 2000, .max_recipients = 2, .max_bad_commands = 5}},
                   {.address = "127.0.0.1", .relay_allowed = true});
  EXPECT_EQ(s.on_line("MAIL FROM:<a@x.test>").reply.substr(0, 3), "503");  // before EHLO
  s.on_line("EHLO x");
  EXPECT_EQ(s.on_line("MAIL FROM:<a@x.test> SIZE=5000").reply.substr(0, 3), "552");
  EXPECT_EQ(s.on_line("MAIL FROM:<a@x.test> FOO=bar").reply.substr(0, 3), "555");
  s.on_line("MAIL FROM:<>");
  EXPECT_EQ(talk(s, {"RCPT TO:<1@y.test>", "RCPT TO:<2@y.test>"}), "250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n");
  EXPECT_EQ(s.on_line("RCPT TO:<3@y.test>").reply, "452 4.5.3 Error: too many recipients\r\n");
  s.on_line("DATA");
  for (int i = 0; i < 40; ++i) s.on_line(std::string(70, 'x'));
  const auto big = s.on_line(".");
  EXPECT_FALSE(big.message);
  EXPECT_EQ(big.reply.substr(0, 3), "552");
  // Overlong text line: the message is refused, the session goes on.
  s.on_line("MAIL FROM:<a@x.test>");
  s.on_line("RCPT TO:<1@y.test>");
  s.on_line("DATA");
  s.on_line("", /*overlong=*/true);
  EXPECT_EQ(s.on_line(".").reply.substr(0, 3), "550");
  EXPECT_EQ(s.on_line("NOOP").reply, "250 2.0.0 Ok\r\n");
  // A message after a refused one is accepted again: the refusal does not stick.
  EXPECT_EQ(talk(s, {"MAIL FROM:<a@x.test>", "RCPT TO:<1@y.test>", "DATA", "ok"}).substr(0, 3), "250");
  EXPECT_TRUE(s.on_line(".").message);
  // Bad commands: a 5xx each, then 421 and the end (2 of the 5 allowed were spent above).
  for (int i = 0; i < 2; ++i) EXPECT_EQ(s.on_line("\x01\x02 garbage").reply.substr(0, 3), "502");
  const auto last = s.on_line("MAIL FROM:<no at sign>");
  EXPECT_EQ(last.reply.substr(0, 3), "421");
  EXPECT_TRUE(last.close);
}

// RFC 6531: UTF-8 addresses only in a transaction whose MAIL FROM carries SMTPUTF8; the
// envelope keeps the flag and the addresses (domains in U-label form) for the spool.
TEST(InboundSession, Smtputf8TransactionsOnly) {
  InboundSession s({.hostname = "relay.test"}, {.address = "127.0.0.1", .relay_allowed = true});
  EXPECT_NE(s.on_line("EHLO client.test").reply.find("250 SMTPUTF8\r\n"), std::string::npos);
  EXPECT_EQ(s.on_line("MAIL FROM:<a@x.test>").reply, "250 2.1.0 Ok\r\n");
  EXPECT_EQ(s.on_line("RCPT TO:<u@b\xC3\xBC"
                      "cher.example>")
                .reply.substr(0, 10),
            "553 5.6.7 ");
  EXPECT_EQ(s.on_line("RCPT TO:<\xC3\xBC@example.com>").reply.substr(0, 10), "553 5.6.7 ");
  EXPECT_EQ(s.on_line("RSET").reply, "250 2.0.0 Ok\r\n");
  EXPECT_EQ(s.on_line("MAIL FROM:<\xE7\x94\xA8@B\xC3\x9C"
                      "CHER.example> SMTPUTF8 BODY=8BITMIME")
                .reply,
            "250 2.1.0 Ok\r\n");
  EXPECT_EQ(s.on_line("RCPT TO:<\xD0\xB8\xD0\xBC\xD1\x8F@xn--bcher-kva.example>").reply, "250 2.1.5 Ok\r\n");
  EXPECT_EQ(s.on_line("RCPT TO:<u@\xE2\x98\x83.example>").reply.substr(0, 10), "501 5.1.2 ");
  EXPECT_EQ(s.on_line("RCPT TO:<b\xFF@example.com>").reply.substr(0, 10), "501 5.1.3 ");
  s.on_line("DATA");
  s.on_line("Subject: \xC3\xBC");
  s.on_line("");
  const auto end = s.on_line(".");
  ASSERT_TRUE(end.message);
  EXPECT_TRUE(end.message->smtputf8);
  EXPECT_NE(end.message->content.find(" with UTF8SMTP; "), std::string::npos) << "RFC 6531 §3.7.3";
  EXPECT_EQ(end.message->from,
            "\xE7\x94\xA8@b\xC3\xBC"
            "cher.example");
  EXPECT_EQ(end.message->recipients, std::vector<std::string>{"\xD0\xB8\xD0\xBC\xD1\x8F@xn--bcher-kva.example"});
  // The next transaction starts without the flag.
  EXPECT_EQ(s.on_line("MAIL FROM:<\xC3\xBC@x.test>").reply.substr(0, 10), "553 5.6.7 ");
}

}  // namespace
}  // namespace sealpost::mta
