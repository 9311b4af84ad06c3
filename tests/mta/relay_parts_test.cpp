// The relay's parts without the network: the spool's file format and commit protocol, the
// inbound SMTP state machine (RFC 5321 §4, relay control, limits), CIDR relay networks and
// etc/sealpost.toml validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mta/server/inbound_session.h"
#include "mta/queue/spool.h"
#include "policy/ip_network.h"
#include "policy/relay_config.h"

namespace sealpost::mta {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = fs::temp_directory_path() / ("sealpost-spool-test-" + std::to_string(::getpid())); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SpoolTest, CommitLoadStateAndRemove) {
  auto spool = Spool::open(dir_);
  ASSERT_TRUE(spool) << spool.error().message;
  const Envelope e{.from = "a@x.test", .recipients = {"b@y.test", "c@z.test"}, .content = "Subject: s\r\n\r\n.\r\nend\r\n"};
  auto id = spool->commit("[127.0.0.1]", e, std::chrono::system_clock::now());
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(spool->list(), std::vector<std::string>{*id});
  auto m = spool->load(*id);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->envelope.content, e.content);
  EXPECT_EQ(m->envelope.recipients, e.recipients);
  // No temporary file is left next to the committed one.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir_ / "queue")) ++files;
  EXPECT_EQ(files, 1u);

  QueueState st{.attempts = 2, .next_attempt = 1767225600};
  st.finished.push_back({.address = "b@y.test", .status = RecipientStatus::kSent, .status_code = "2.0.0",
                         .reply = "mx said: 250 ok queued"});
  ASSERT_TRUE(spool->save_state(*id, st));
  const QueueState back = spool->state(*id);
  EXPECT_EQ(back.attempts, 2u);
  EXPECT_EQ(back.next_attempt, 1767225600);
  ASSERT_EQ(back.finished.size(), 1u);
  EXPECT_EQ(back.finished[0].reply, "mx said: 250 ok queued");

  // `sealpost queue list` shows why the rest waits: the last deferral per recipient.
  st.held = true;
  st.last_deferred.push_back({.address = "c@z.test", .status = RecipientStatus::kDeferred, .status_code = "4.7.5",
                              .reply = "certificate chain not trusted"});
  ASSERT_TRUE(spool->save_state(*id, st));
  const QueueState again = spool->state(*id);
  EXPECT_TRUE(again.held);
  ASSERT_EQ(again.last_deferred.size(), 1u);
  EXPECT_EQ(again.last_deferred[0].address, "c@z.test");
  EXPECT_EQ(again.last_deferred[0].status_code, "4.7.5");
  EXPECT_EQ(again.last_deferred[0].reply, "certificate chain not trusted");
  ASSERT_TRUE(spool->remove(*id));
  EXPECT_TRUE(spool->list().empty());
}

TEST_F(SpoolTest, TruncatedOrDamagedFilesAreNotMessages) {
  const QueuedMessage m{.id = "0123456789ABCDEF", .received = "2026-01-01T00:00:00Z", .client = "[127.0.0.1]",
                        .envelope = {.from = "", .recipients = {"b@y.test"}, .content = "hello\r\n"}};
  const std::string text = serialize_message(m);
  ASSERT_TRUE(parse_message(text, "t"));
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(parse_message(text.substr(0, cut), "t")) << "cut at " << cut;
  }
  std::string other_id = text;
  other_id.replace(other_id.rfind("0123456789ABCDEF"), 16, "FEDCBA9876543210");
  EXPECT_FALSE(parse_message(other_id, "t"));
  // A damaged message goes to corrupt/, never to delivery.
  auto spool = Spool::open(dir_);
  ASSERT_TRUE(spool);
  std::ofstream(dir_ / "queue" / "0123456789ABCDEF.msg") << text.substr(0, text.size() - 3);
  EXPECT_FALSE(spool->load("0123456789ABCDEF"));
  ASSERT_TRUE(spool->quarantine("0123456789ABCDEF"));
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "0123456789ABCDEF.msg"));
  EXPECT_TRUE(spool->list().empty());
}

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
  EXPECT_EQ(end.message->content.rfind(
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

TEST(InboundSession, AddressSyntax) {
  EXPECT_EQ(*parse_path("<a.b@Example.COM>", false), "a.b@example.com");
  EXPECT_EQ(*parse_path("<>", true), "");
  for (const char* bad : {"a@b.test", "<>", "<a b@c.test>", "<@route:a@b.test>", "<a@b..test>", "<a@>", "<a\x01@b.test>"}) {
    EXPECT_FALSE(parse_path(bad, false)) << bad;
  }
}

TEST(IpNetwork, ContainsAndErrors) {
  const auto lo = policy::IpNetwork::parse("127.0.0.0/8");
  ASSERT_TRUE(lo);
  EXPECT_TRUE(lo->contains(*policy::IpAddress::parse("127.1.2.3")));
  EXPECT_FALSE(lo->contains(*policy::IpAddress::parse("128.0.0.1")));
  EXPECT_TRUE(lo->contains(*policy::IpAddress::parse("::ffff:127.0.0.1")));  // IPv4-mapped
  EXPECT_TRUE(policy::IpNetwork::parse("2001:db8::/32")->contains(*policy::IpAddress::parse("2001:db8:1::5")));
  EXPECT_FALSE(policy::IpNetwork::parse("::1/128")->contains(*policy::IpAddress::parse("127.0.0.1")));
  EXPECT_TRUE(policy::IpNetwork::parse("0.0.0.0/0")->contains(*policy::IpAddress::parse("203.0.113.9")));
  for (const char* bad : {"127.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "host/8", "10.0.0.0/a"}) {
    EXPECT_FALSE(policy::IpNetwork::parse(bad)) << bad;
  }
}

TEST(RelayConfig, DefaultsAndErrorsNameFileLineAndKey) {
  auto c = policy::parse_relay_config("", "sealpost.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen.at(0).port, 2525);
  EXPECT_EQ(c->relay_networks.size(), 2u);
  c = policy::parse_relay_config("[server]\nlisten = [\"[::1]:25\"]\n[delivery]\nretry_seconds = [5, 10]\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen.at(0).address, "::1");
  EXPECT_EQ(c->retry_seconds, (std::vector<std::uint32_t>{5, 10}));
  const std::pair<const char*, const char*> bad[] = {
      {"[server]\nlisten = [\"127.0.0.1\"]\n", "listen"},
      {"[server]\nrelay_networks = [\"10.0.0.1/8\"]\n", "host bits"},
      {"[server]\nmax_recipients = 0\n", "max_recipients"},
      {"[spool]\ndirectory = 5\n", "directory"},
      {"[server]\nlisten_on = []\n", "listen_on"},
      {"[mail]\n", "unknown section"},
      {"[log]\nlevel = \"loud\"\n", "level"},
      {"[delivery]\n\nretry_seconds = [0]\n", "f:3"},
  };
  for (const auto& [text, want] : bad) {
    auto r = policy::parse_relay_config(text, "f");
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
  }
}

TEST(RelayConfig, ShippedDefaultsValidate) {
  std::ifstream in(std::string(SEALPOST_SOURCE_DIR) + "/etc/sealpost.toml");
  std::stringstream text;
  text << in.rdbuf();
  auto c = policy::parse_relay_config(text.str(), "etc/sealpost.toml");
  ASSERT_TRUE(c) << c.error().message;
}

}  // namespace
}  // namespace sealpost::mta
