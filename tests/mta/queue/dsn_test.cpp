// DSN composition (RFC 3464, RFC 6522): the fields per message and per recipient, the
// returned headers only, 7-bit and folded output from untrusted replies and headers, and no
// DSN for the null sender (RFC 3461 §6.2).
#include <gtest/gtest.h>

#include "mta/queue/dsn.h"

namespace sealpost::mta {
namespace {

DsnInput input() {
  return {.reporting_mta = "relay.example",
          .queue_id = "0123456789ABCDEF",
          .arrival = std::chrono::system_clock::from_time_t(1767225600),
          .now = std::chrono::system_clock::from_time_t(1767229200),
          .sender = "alice@example.org",
          .original_content = "Subject: hello\r\nFrom: alice@example.org\r\n\r\nthe body must not come back\r\n",
          .recipients = {{.address = "bob@example.com",
                          .status = "5.1.1",
                          .diagnostic = "mx.example.com[192.0.2.1] said: 550 5.1.1 no such user (in reply to RCPT TO)",
                          .remote_mta = "mx.example.com"},
                         {.address = "carol@example.net",
                          .status = "5.7.5",
                          .diagnostic = "certificate chain not trusted (mx.example.net)",
                          .expired = true}}};
}

TEST(Dsn, NullSenderGetsNone) {
  auto in = input();
  in.sender.clear();
  EXPECT_FALSE(make_dsn(in));  // RFC 3461 §6.2: never a bounce for a bounce
}

TEST(Dsn, Rfc3464FieldsPerMessageAndPerRecipient) {
  const auto dsn = make_dsn(input());
  ASSERT_TRUE(dsn);
  EXPECT_EQ(dsn->from, "");
  EXPECT_EQ(dsn->recipients, std::vector<std::string>{"alice@example.org"});
  const std::string& c = dsn->content;
  for (const char* expected :
       {"To: <alice@example.org>\r\n", "Auto-Submitted: auto-replied\r\n", "Date: Thu, 01 Jan 2026 01:00:00 +0000\r\n",
        "Content-Type: multipart/report; report-type=delivery-status;", "Content-Type: message/delivery-status\r\n",
        "Reporting-MTA: dns; relay.example\r\n", "Arrival-Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n",
        "Final-Recipient: rfc822; bob@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.example.com\r\n",
        "Diagnostic-Code: smtp; mx.example.com[192.0.2.1] said: 550 5.1.1 no such\r\n user (in reply to RCPT TO)\r\n",
        "Final-Recipient: rfc822; carol@example.net\r\nAction: failed\r\nStatus: 5.7.5\r\nDiagnostic-Code: x-sealpost;",
        "Content-Type: text/rfc822-headers\r\n", "Subject: hello\r\nFrom: alice@example.org\r\n", "(expired in the queue)",
        "<carol@example.net>: expired in the queue: certificate chain not trusted"}) {
    EXPECT_NE(c.find(expected), std::string::npos) << expected << "\n---\n" << c;
  }
  EXPECT_EQ(c.find("the body must not come back"), std::string::npos);
  // The carol recipient never reached a server: no Remote-MTA for it.
  EXPECT_EQ(c.find("Remote-MTA", c.find("Final-Recipient: rfc822; carol")), c.npos);
}

TEST(Dsn, UntrustedTextIsSevenBitAndWithinLineLimits) {
  auto in = input();
  in.recipients[0].diagnostic = "said: 550 \x01\xff" + std::string(3000, 'A') + " end";
  in.original_content = "Subject: caf\xc3\xa9\r\n\r\nbody";
  const auto dsn = make_dsn(in);
  ASSERT_TRUE(dsn);
  std::size_t start = 0;
  for (std::size_t end; (end = dsn->content.find("\r\n", start)) != std::string::npos; start = end + 2) {
    EXPECT_LE(end - start, 998u) << "RFC 5322 §2.1.1";
  }
  for (unsigned char ch : dsn->content) {
    EXPECT_LT(ch, 0x80);
    EXPECT_TRUE(ch >= 0x20 || ch == '\r' || ch == '\n' || ch == '\t') << static_cast<int>(ch);
  }
  EXPECT_NE(dsn->content.find("Subject: caf??\r\n"), std::string::npos);
}

TEST(Dsn, TheDiagnosticTypeFollowsWhoSaidIt_Rfc3464Section2_3_6) {
  auto in = input();
  // Our own reason quoting a server's words is still ours; a server's reply on an expired
  // message (no Remote-MTA: the last attempt's host is gone) is still the server's.
  in.recipients = {{.address = "a@example.com",
                    .status = "5.7.5",
                    .diagnostic = "TLS required: mx.example.com said: 454 TLS not available",
                    .expired = true},
                   {.address = "b@example.com",
                    .status = "5.2.2",
                    .diagnostic = "mx.example.com[192.0.2.1] said: 452 4.2.2 mailbox full",
                    .expired = true,
                    .source = ReplySource::kRemote}};
  const auto dsn = make_dsn(in);
  ASSERT_TRUE(dsn);
  EXPECT_NE(dsn->content.find("Diagnostic-Code: x-sealpost; TLS required: mx.example.com said:"), std::string::npos)
      << dsn->content;
  EXPECT_NE(dsn->content.find("Diagnostic-Code: smtp; mx.example.com[192.0.2.1] said: 452"), std::string::npos) << dsn->content;
}

// RFC 6533: an SMTPUTF8 message with UTF-8 to report gets a message/global-delivery-status
// DSN ("utf-8" address type, UTF-8 headers returned as message/global-headers), sent with
// SMTPUTF8; one whose only UTF-8 is a domain gets a classic DSN with the A-label.
TEST(Dsn, Rfc6533ForSmtputf8Messages) {
  auto in = input();
  in.smtputf8 = true;
  in.original_content =
      "Subject: \xC3\xBC"
      "ber\r\n\r\nbody\r\n";
  in.recipients[0].address =
      "\xE7\x94\xA8@b\xC3\xBC"
      "cher.example";
  const auto dsn = make_dsn(in);
  ASSERT_TRUE(dsn);
  EXPECT_TRUE(dsn->smtputf8);
  for (const char* expected : {"report-type=global-delivery-status;", "Content-Type: text/plain; charset=utf-8\r\n",
                               "Content-Type: message/global-delivery-status\r\n",
                               "Final-Recipient: utf-8; \xE7\x94\xA8@b\xC3\xBC"
                               "cher.example\r\n",
                               "Final-Recipient: rfc822; carol@example.net\r\n", "Content-Type: message/global-headers\r\n",
                               "Subject: \xC3\xBC"
                               "ber\r\n"}) {
    EXPECT_NE(dsn->content.find(expected), std::string::npos) << expected << "\n---\n" << dsn->content;
  }
  in.original_content = "Subject: plain\r\n\r\nbody \xC3\xBC\r\n";
  in.recipients[0].address =
      "bob@b\xC3\xBC"
      "cher.example";
  const auto classic = make_dsn(in);
  ASSERT_TRUE(classic);
  EXPECT_FALSE(classic->smtputf8);
  EXPECT_NE(classic->content.find("Final-Recipient: rfc822; bob@xn--bcher-kva.example\r\n"), std::string::npos);
  EXPECT_NE(classic->content.find("Content-Type: message/delivery-status\r\n"), std::string::npos);
  for (char c : classic->content) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

}  // namespace
}  // namespace sealpost::mta
