// The stages Postfix will not produce (TLS-POLICY.md §7; DANE-MTA-STS.md §0), against
// tests/support/scripted_smtp_server.h: refused STARTTLS, response injection, a broken
// handshake, hang-ups after every step, malformed replies, and DANE's mandatory TLS.
#include "tests/mta/client/delivery_fixture.h"

namespace sealpost::mta {
namespace asio = boost::asio;
namespace {

using namespace test_fixture;

TEST_F(Scripted, StarttlsRefusedGoesOnInClearOnlyWhenPreferred) {
  for (const std::string code : {"454 4.7.0 TLS not available", "502 5.5.1 not implemented"}) {
    test::ScriptedSmtpServer server(
        "127.0.0.40",
        [&](ScriptedPeer& p) {
          if (!test::greet(p) || !p.line()) return;
          p.send(code + "\r\n");
          accept_mail(p);
        },
        2);
    auto r = via(server, TlsSetting::kPreferred);
    EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent) << code;
    EXPECT_EQ(r.attempts[0].outcome.starttls, "refused");
    r = via(server, TlsSetting::kRequired);
    EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
    EXPECT_EQ(r.recipients[0].status_code, "4.7.4");
    EXPECT_EQ(r.attempts[0].outcome.stage, "starttls-reply");
    EXPECT_EQ(server.transcripts(2).at(1).find("MAIL FROM"), std::string::npos) << "mail sent in clear under tls=required";
  }
}

TEST_F(Scripted, ResponseInjectionAbortsEvenWhenPreferred) {
  test::ScriptedSmtpServer server("127.0.0.40", [](ScriptedPeer& p) {
    if (!test::greet(p) || !p.line()) return;
    p.send("220 2.0.0 go ahead\r\n250-injected.example\r\n250 PIPELINING\r\n");
  });
  const auto r = via(server, TlsSetting::kPreferred);
  EXPECT_EQ(r.attempts[0].outcome.stage, "starttls-injection");
  EXPECT_EQ(r.attempts[0].outcome.starttls, "injection");
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.recipients[0].status_code, "4.7.0");
  // Aborted: not even QUIT in clear, and certainly no MAIL.
  const std::string seen = server.transcripts(1).at(0);
  EXPECT_EQ(seen.find("MAIL"), std::string::npos);
  EXPECT_EQ(seen.find("QUIT"), std::string::npos);
}

TEST_F(Scripted, FailedHandshakeRetriesInClearOnANewConnectionOnlyWhenPreferred) {
  const auto broken_tls = [](ScriptedPeer& p) {
    if (!test::greet(p) || !p.line()) return;
    p.send("220 2.0.0 go ahead\r\n");
    p.raw();  // the ClientHello
    p.send("this is not a TLS record\r\n");
  };
  {
    int session = 0;
    test::ScriptedSmtpServer server(
        "127.0.0.40",
        [&](ScriptedPeer& p) {
          if (session++ == 0) return broken_tls(p);
          if (!test::greet(p, "250 PIPELINING\r\n")) return;
          accept_mail(p);
        },
        2);
    const auto r = via(server, TlsSetting::kPreferred);
    ASSERT_EQ(r.attempts.size(), 2u);
    EXPECT_EQ(r.attempts[0].outcome.stage, "handshake");
    EXPECT_EQ(r.attempts[0].outcome.result, "retry-in-clear");
    EXPECT_TRUE(r.attempts[1].outcome.fallback_plaintext);
    EXPECT_EQ(r.attempts[1].outcome.starttls, "not-attempted");
    EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent);
    // The broken connection itself never carried mail.
    EXPECT_EQ(server.transcripts(1).at(0).find("MAIL"), std::string::npos);
  }
  {
    test::ScriptedSmtpServer server("127.0.0.40", broken_tls);
    const auto r = via(server, TlsSetting::kRequired);
    ASSERT_EQ(r.attempts.size(), 1u);
    EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
    EXPECT_EQ(r.recipients[0].status_code, "4.7.5");
  }
}

// DANE-MTA-STS.md §0: where DANE made TLS mandatory on the host (usable or unusable TLSA), a
// failed handshake is a failed host, never a clear retry, and a server without STARTTLS gets no
// mail, whatever the setting.
SessionResult session_with(const SessionContext& context, asio::io_context& io, std::uint16_t port, const Envelope& envelope,
                           const std::function<void(SessionRequest&)>& configure) {
  SessionRequest req{.target = {.host = "mx.dane.test", .address = asio::ip::make_address("127.0.0.40"), .port = port},
                     .setting = TlsSetting::kPreferred,
                     .facts = {.recipient_domain = "dane.test", .mx_host = "mx.dane.test"},
                     .envelope = &envelope};
  configure(req);
  std::optional<SessionResult> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out = co_await run_session(context, std::move(req)); }, asio::detached);
  io.restart();
  io.run();
  return std::move(*out);
}

SessionResult session_under_dane(const SessionContext& context, asio::io_context& io, std::uint16_t port, policy::DaneState state,
                                 const Envelope& envelope) {
  return session_with(context, io, port, envelope, [&](SessionRequest& req) {
    req.dane.state = state;
    req.dane.trace.state = state;
    req.dane.trace.tlsa_base = "mx.dane.test";
  });
}

// DANE-MTA-STS.md §0, §2 rule 8: the same for an enforced MTA-STS policy that covers the host;
// under a testing policy the setting decides and the trace says what would have failed.
SessionResult session_under_sts(const SessionContext& context, asio::io_context& io, std::uint16_t port, bool enforced,
                                const std::vector<std::string>& mx, const Envelope& envelope) {
  return session_with(context, io, port, envelope, [&](SessionRequest& req) {
    policy::StsInForce f{.domain = "dane.test",
                         .id = "1",
                         .policy = {.mode = enforced ? policy::StsMode::kEnforce : policy::StsMode::kTesting,
                                    .max_age = 86400,
                                    .mx = mx,
                                    .lines = {}},
                         .fetched_at = 0,
                         .enforce = enforced,
                         .origin = "cache"};
    req.sts = policy::start_sts_trace(f, req.target.host, 0);
  });
}

TEST_F(Scripted, DaneMakesTlsMandatoryNoClearRetryNoClearText) {
  envelope_ = {.from = "sender@client.sealpost.test", .recipients = {"rcpt@dane.test"}, .content = "Subject: t\r\n\r\nbody\r\n"};
  for (const auto state : {policy::DaneState::kUsable, policy::DaneState::kUnusable}) {
    SCOPED_TRACE(std::string(policy::to_string(state)));
    test::ScriptedSmtpServer broken("127.0.0.40", [](ScriptedPeer& p) {
      if (!test::greet(p) || !p.line()) return;
      p.send("220 2.0.0 go ahead\r\n");
      p.raw();
      p.send("this is not a TLS record\r\n");
    });
    auto r = session_under_dane(context_, io_, broken.port(), state, envelope_);
    EXPECT_EQ(r.verdict, HostVerdict::kDefer) << r.reason;
    EXPECT_EQ(r.status, "4.7.5");
    EXPECT_FALSE(r.outcome.fallback_plaintext);
    ASSERT_TRUE(r.outcome.dane);
    EXPECT_EQ(r.outcome.dane->state, state);

    test::ScriptedSmtpServer plain("127.0.0.40", [](ScriptedPeer& p) {
      if (!test::greet(p)) return;
      accept_mail(p);
    });
    r = session_under_dane(context_, io_, plain.port(), state, envelope_);
    EXPECT_EQ(r.verdict, HostVerdict::kDefer);
    EXPECT_EQ(r.status, "4.7.4");
    EXPECT_NE(r.reason.find("(DANE: "), std::string::npos) << r.reason;
    EXPECT_EQ(plain.transcripts(1).at(0).find("MAIL"), std::string::npos) << "mail in clear where DANE required TLS";
  }
}

TEST_F(Scripted, AnEnforcedStsPolicyMakesTlsMandatoryATestingOneOnlyRecords) {
  envelope_ = {.from = "sender@client.sealpost.test", .recipients = {"rcpt@dane.test"}, .content = "Subject: t\r\n\r\nbody\r\n"};
  const auto broken_tls = [](ScriptedPeer& p) {
    if (!test::greet(p) || !p.line()) return;
    p.send("220 2.0.0 go ahead\r\n");
    p.raw();
    p.send("this is not a TLS record\r\n");
  };
  {
    test::ScriptedSmtpServer broken("127.0.0.40", broken_tls);
    const auto r = session_under_sts(context_, io_, broken.port(), true, {"mx.dane.test"}, envelope_);
    EXPECT_EQ(r.verdict, HostVerdict::kDefer) << r.reason;
    EXPECT_EQ(r.status, "4.7.5");
    EXPECT_FALSE(r.outcome.fallback_plaintext);
    ASSERT_TRUE(r.outcome.mta_sts);
    EXPECT_EQ(r.outcome.mta_sts->result, policy::StsResult::kStarttls);
  }
  {
    test::ScriptedSmtpServer plain("127.0.0.40", [](ScriptedPeer& p) {
      if (!test::greet(p)) return;
      accept_mail(p);
    });
    const auto r = session_under_sts(context_, io_, plain.port(), true, {"*.dane.test"}, envelope_);
    EXPECT_EQ(r.verdict, HostVerdict::kDefer);
    EXPECT_EQ(r.status, "4.7.4");
    EXPECT_NE(r.reason.find("(MTA-STS: enforce)"), std::string::npos) << r.reason;
    EXPECT_EQ(plain.transcripts(1).at(0).find("MAIL"), std::string::npos) << "mail in clear under an enforced policy";
    EXPECT_EQ(r.outcome.mta_sts->reason, "no TLS session with mx.dane.test[127.0.0.40] (STARTTLS refused)");
  }
  {
    test::ScriptedSmtpServer broken("127.0.0.40", broken_tls);
    const auto r = session_under_sts(context_, io_, broken.port(), false, {"mx.dane.test"}, envelope_);
    EXPECT_EQ(r.verdict, HostVerdict::kRetryInClear) << "testing: the preferred setting decides";
    EXPECT_FALSE(r.outcome.mta_sts->enforced);
    EXPECT_EQ(r.outcome.mta_sts->result, policy::StsResult::kStarttls);
  }
  // Outside the patterns: refused before connecting (nothing listens on port 9).
  const auto r = session_under_sts(context_, io_, 9, true, {"other.dane.test"}, envelope_);
  EXPECT_EQ(r.verdict, HostVerdict::kDefer);
  EXPECT_EQ(r.outcome.stage, "sts-mx");
  EXPECT_EQ(r.status, "4.7.5");
  EXPECT_EQ(r.outcome.mta_sts->result, policy::StsResult::kMxMismatch);
}

TEST_F(Scripted, ServerClosingMidDataDefers) {
  test::ScriptedSmtpServer server("127.0.0.40", [](ScriptedPeer& p) {
    if (!test::greet(p, "250 PIPELINING\r\n")) return;
    for (int i = 0; i < 2; ++i) {  // MAIL, RCPT (pipelined)
      p.line();
      p.send("250 ok\r\n");
    }
    p.line();
    p.send("354 go\r\n");
    p.line();  // one line of the message, then the server goes away
    p.close();
  });
  const auto r = via(server, TlsSetting::kNo);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.attempts[0].outcome.stage, "data");
}

TEST_F(Scripted, HeloFallbackMultilineRepliesAndPerRecipientResults) {
  test::ScriptedSmtpServer server("127.0.0.40", [](ScriptedPeer& p) {
    p.send("220-scripted.test first line\r\n220 second line\r\n");
    p.line();
    p.send("502 5.5.1 EHLO not implemented\r\n");
    p.line();
    p.send("250 scripted.test\r\n");
    for (auto l = p.line(); l; l = p.line()) {
      if (l->rfind("RCPT TO:<bad", 0) == 0)
        p.send("550-5.1.1 no such user\r\n550 5.1.1 really\r\n");
      else if (l->rfind("RCPT TO:<later", 0) == 0)
        p.send("451 4.3.0 try later\r\n");
      else if (l->rfind("MAIL", 0) == 0 || l->rfind("RCPT", 0) == 0)
        p.send("250 ok\r\n");
      else if (*l == "DATA") {
        p.send("354 go\r\n");
        const auto body = p.data();
        p.send(body && body->find("\n..leading dot\n") != std::string::npos ? "250 2.0.0 stuffed\r\n"
                                                                            : "554 5.6.0 not stuffed\r\n");
      } else if (*l == "QUIT") {
        p.send("221 bye\r\n");
        return;
      }
    }
  });
  envelope_ = {.from = "s@client.sealpost.test",
               .recipients = {"good@x.test", "bad@x.test", "later@x.test"},
               .content = "Subject: t\r\n\r\n.leading dot\r\n"};
  const auto r = run({.recipient_domain = "x.test",
                      .setting = TlsSetting::kPreferred,
                      .route = route_to("127.0.0.40:" + std::to_string(server.port())),
                      .envelope = &envelope_});
  ASSERT_EQ(r.recipients.size(), 3u);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent);
  EXPECT_NE(r.recipients[0].reply.find("250 2.0.0 stuffed"), std::string::npos) << r.recipients[0].reply;
  EXPECT_EQ(r.recipients[1].status, RecipientStatus::kBounced);
  EXPECT_EQ(r.recipients[1].status_code, "5.1.1");
  EXPECT_EQ(r.recipients[2].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.recipients[2].status_code, "4.3.0");
  EXPECT_EQ(r.attempts[0].outcome.starttls, "not-offered");
}

// Beast's fail_count loop: the server hangs up after its n-th line, for every n of a whole
// dialogue (EHLO, MAIL, RCPT, DATA, message lines, ".", QUIT). Until the final 250 the
// recipient is deferred — never sent, never bounced — and the client never crashes or hangs.
TEST_F(Scripted, HangUpAfterEveryStep) {
  constexpr int kLinesInDialogue = 9;  // EHLO MAIL RCPT DATA 3×message "." QUIT
  for (int n = 0; n <= kLinesInDialogue; ++n) {
    bool answered_data = false;
    test::ScriptedSmtpServer server("127.0.0.40", [&](ScriptedPeer& p) {
      p.send("220 scripted.test ESMTP\r\n");
      for (int seen = 0; seen < n; ++seen) {
        const auto l = p.line();
        if (!l) return;
        if (l->rfind("EHLO", 0) == 0)
          p.send("250 scripted.test\r\n");
        else if (*l == "DATA")
          p.send("354 go\r\n");
        else if (*l == ".") {
          p.send("250 2.0.0 queued\r\n");
          answered_data = true;
        } else if (*l == "QUIT")
          p.send("221 bye\r\n");
        else if (l->rfind("MAIL", 0) == 0 || l->rfind("RCPT", 0) == 0)
          p.send("250 ok\r\n");
      }
      p.close();
    });
    const auto r = via(server, TlsSetting::kPreferred);
    server.transcripts(1);
    ASSERT_EQ(r.recipients.size(), 1u) << "n=" << n;
    EXPECT_EQ(r.recipients[0].status, answered_data ? RecipientStatus::kSent : RecipientStatus::kDeferred) << "n=" << n;
  }
}

TEST_F(Scripted, TransactionWithoutRecipientsIsResetBeforeQuit) {
  test::ScriptedSmtpServer server("127.0.0.40", [](ScriptedPeer& p) {
    if (!test::greet(p, "250 8BITMIME\r\n")) return;
    for (auto l = p.line(); l; l = p.line()) {
      if (l->rfind("RCPT", 0) == 0)
        p.send("550 5.1.1 no such user\r\n");
      else if (*l == "QUIT")
        return p.send("221 bye\r\n");
      else
        p.send("250 ok\r\n");
    }
  });
  const auto r = via(server, TlsSetting::kNo);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kBounced);
  const std::string seen = server.transcripts(1).at(0);
  EXPECT_NE(seen.find("RSET\r\nQUIT\r\n"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("DATA"), std::string::npos);
}

TEST_F(Scripted, MalformedAndOverlongRepliesFailTheHostNotTheProcess) {
  for (const std::string& reply :
       {std::string("hello there\r\n"), std::string(600, 'x') + "\r\n", std::string("250-a\r\n251 b\r\n")}) {
    test::ScriptedSmtpServer server("127.0.0.40", [&](ScriptedPeer& p) { p.send(reply); });
    const auto r = via(server, TlsSetting::kPreferred);
    EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred) << reply;
    EXPECT_EQ(r.attempts[0].outcome.stage, "greeting");
  }
}

}  // namespace
}  // namespace sealpost::mta
