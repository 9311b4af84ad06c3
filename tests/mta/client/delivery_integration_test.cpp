// The SMTP client against real peers on loopback: Postfix smtpd with a certificate per
// address and smtp-sink without STARTTLS (fixture `smtp`), MX and PTR records from nsd
// (fixture `dns`), certificates from openssl (fixture `pki`), validated at 2026-01-01.
// Every setting × every peer from tests/data/smtp_matrix.tsv (TLS-POLICY.md §6–9), then the
// stages Postfix will not produce, against tests/support/scripted_smtp_server.h (§7).
#include <gtest/gtest.h>

#include "dns/cares_transport.h"
#include "mta/client/delivery.h"
#include "tests/support/dns_peers.h"
#include "tests/support/scripted_smtp_server.h"
#include "tests/support/smtp_peers.h"
#include "tests/support/test_pki.h"
#include "tests/support/tsv.h"

namespace sealpost::mta {
namespace asio = boost::asio;
namespace {

using policy::TlsSetting;
using test::ScriptedPeer;

class Delivery : public testing::Test {
 protected:
  void SetUp() override {
    trust_.add(test::trustpoint("test-ca", "ca-bundle.pem"));
    auto t = dns::CaresTransport::create(io_, {.servers = {"127.0.0.1:" + std::to_string(test::dns_peer_ports().nsd)}});
    ASSERT_TRUE(t) << t.error().message;
    transport_ = std::move(*t);
    resolver_ = std::make_unique<dns::Resolver>(*transport_);
    context_ = {.helo_name = "client.sealpost.test", .tls = &tls_, .trust = &trust_, .validation_time = test::kValidationTime};
    const auto five = std::chrono::milliseconds(5000);
    context_.timeouts = {.connect = five,
                         .greeting = five,
                         .command = five,
                         .tls_handshake = five,
                         .data_start = five,
                         .data_block = five,
                         .data_end = five};
  }

  DeliveryResult run(DeliveryRequest request) {
    std::optional<DeliveryResult> out;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          out = co_await deliver(context_, *resolver_, std::move(request), [&](const TlsOutcome& o) { outcomes_.push_back(o); });
        },
        asio::detached);
    io_.restart();
    io_.run();
    return std::move(*out);
  }

  DeliveryResult send(const std::string& domain, TlsSetting setting, std::optional<policy::SmtpRoute> route = {}) {
    envelope_ = {.from = "sender@client.sealpost.test",
                 .recipients = {"rcpt@" + domain},
                 .content = "Subject: test\r\n\r\nbody\r\n.leading dot\r\n"};
    return run({.recipient_domain = domain,
                .setting = setting,
                .destconfig_entry = "test",
                .route = std::move(route),
                .mx_port = test::smtp_peer_port(),
                .envelope = &envelope_});
  }

  static policy::SmtpRoute route_to(const std::string& dest) {
    auto r = policy::make_route({dest}, false);
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }

  asio::io_context io_;
  tls::TrustStore trust_;
  tls::TlsClientContext tls_;
  std::unique_ptr<dns::CaresTransport> transport_;
  std::unique_ptr<dns::Resolver> resolver_;
  SessionContext context_;
  Envelope envelope_;
  std::vector<TlsOutcome> outcomes_;
};

struct MatrixRow {
  std::string name, domain, setting, result, stage, starttls, rule, status;
};

void PrintTo(const MatrixRow& row, std::ostream* os) { *os << row.name; }

class Matrix : public Delivery, public testing::WithParamInterface<MatrixRow> {};

TEST_P(Matrix, SettingAgainstPeer) {
  const MatrixRow& row = GetParam();
  const auto setting = policy::parse_tls_setting(row.setting);
  ASSERT_TRUE(setting);
  const std::size_t sink_before = test::sink_messages();
  const auto r = send(row.domain + ".mail.test", *setting);

  ASSERT_EQ(r.recipients.size(), 1u);
  EXPECT_EQ(to_string(r.recipients[0].status), row.result) << r.recipients[0].reply;
  ASSERT_EQ(r.attempts.size(), 1u);
  const TlsOutcome& o = r.attempts[0].outcome;
  EXPECT_EQ(o.stage, row.stage) << o.reason;
  EXPECT_EQ(o.starttls, row.starttls);
  EXPECT_FALSE(o.fallback_plaintext);
  EXPECT_EQ(o.trace && o.trace->identity.matched ? o.trace->identity.rule : "-", row.rule);
  if (row.status != "-") {
    EXPECT_EQ(r.recipients[0].status_code, row.status);
  }
  if (row.starttls == "ok") {
    EXPECT_EQ(o.tls_version, "TLS v1.2");
  }
  // Nothing reaches the clear-text peer when TLS is required.
  const std::size_t sink_after = test::sink_messages();
  if (row.domain == "plain") {
    EXPECT_EQ(sink_after - sink_before, row.result == "sent" ? 1u : 0u);
  }
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(to_json_line(outcomes_[0]).find("p@ss"), std::string::npos);
}

std::vector<MatrixRow> matrix() {
  std::vector<MatrixRow> rows;
  for (auto& r : test::read_tsv(test::data_path("smtp_matrix.tsv"), 8))
    rows.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]});
  return rows;
}

INSTANTIATE_TEST_SUITE_P(EverySettingEveryPeer, Matrix, testing::ValuesIn(matrix()),
                         [](const auto& row_info) { return test::test_name(row_info.param.name); });

TEST_F(Delivery, FailsOverToTheNextMxHost) {
  const auto r = send("failover.mail.test", TlsSetting::kRequiredVerifyHosted);
  ASSERT_EQ(r.attempts.size(), 2u);
  EXPECT_EQ(r.attempts[0].outcome.host, "mx-expired.mail.test");
  EXPECT_EQ(r.attempts[0].outcome.stage, "chain");
  EXPECT_EQ(r.attempts[0].outcome.result, "next-host");
  EXPECT_EQ(r.attempts[1].outcome.host, "mx-name.mail.test");
  EXPECT_EQ(r.attempts[1].outcome.trace->identity.rule, "mx-host");
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent);
}

TEST_F(Delivery, UsednsRouteDeliversByMxWithTheMxHostAsReferenceIdentity) {
  // smtproutes `USEDNS`: an MX delivery, so the Hosted rules still compare the MX host (§9).
  const auto r = send("mxname.mail.test", TlsSetting::kRequiredVerifyHosted, route_to("USEDNS"));
  ASSERT_EQ(r.attempts.size(), 1u);
  EXPECT_EQ(r.attempts[0].outcome.via, "mx");
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent) << r.recipients[0].reply;
  ASSERT_TRUE(r.attempts[0].outcome.trace);
  EXPECT_EQ(r.attempts[0].outcome.trace->identity.rule, "mx-host");
}

TEST_F(Delivery, EveryHostFailedDefersWithTheLastReason) {
  const auto r = send("failover.mail.test", TlsSetting::kRequiredVerify);
  ASSERT_EQ(r.attempts.size(), 2u);
  EXPECT_EQ(r.attempts[1].outcome.result, "deferred");
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.recipients[0].status_code, "4.7.5");
  EXPECT_NE(r.recipients[0].reply.find("certificate identity did not match: mx-name.mail.test[127.0.0.31]"), std::string::npos)
      << r.recipients[0].reply;
}

TEST_F(Delivery, UnreachableHostDefersNullMxAndNoDomainBounce) {
  auto r = send("down.mail.test", TlsSetting::kPreferred);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.attempts[0].outcome.stage, "connect");
  r = send("nullmx.sealpost.test", TlsSetting::kPreferred);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kBounced);
  EXPECT_EQ(r.recipients[0].status_code, "5.1.10");
  r = send("no-such-domain.mail.test", TlsSetting::kPreferred);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kBounced);
  r = send("x.broken.test", TlsSetting::kPreferred);  // SERVFAIL: never a bounce
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
}

TEST_F(Delivery, SubmissionWithAuthInsideTlsOnly) {
  // The router-style route of the source documents: '@' and ':' in user and password.
  const std::string port = std::to_string(test::smtp_peer_port());
  auto r =
      send("mxname.mail.test", TlsSetting::kRequiredVerifyHosted, route_to("alice@example.com:p@ss:word@smtp.mail.test:" + port));
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent) << r.recipients[0].reply;
  EXPECT_EQ(r.attempts[0].outcome.trace->identity.rule, "route-host");

  r = send("mxname.mail.test", TlsSetting::kRequiredVerifyHosted, route_to("alice@example.com:wrong@smtp.mail.test:" + port));
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.attempts[0].outcome.stage, "auth");
  EXPECT_EQ(r.recipients[0].status_code, "4.7.8");

  // The clear-text peer: AUTH is never sent, even under tls=preferred.
  const std::size_t before = test::sink_messages();
  r = send("mxname.mail.test", TlsSetting::kPreferred, route_to("alice@example.com:p@ss:word@127.0.0.38:" + port));
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
  EXPECT_EQ(r.attempts[0].outcome.stage, "auth");
  EXPECT_EQ(test::sink_messages(), before);
}

TEST_F(Delivery, ImplicitTlsWithAuthLogin) {
  // Wrapper mode (RFC 8314): TLS from the first byte; this peer offers AUTH LOGIN only.
  auto route = policy::make_route({"alice@example.com:p@ss:word@smtps.mail.test:" + std::to_string(test::smtp_peer_port())},
                                  /*implicit_tls=*/true);
  ASSERT_TRUE(route);
  const auto r = send("mxname.mail.test", TlsSetting::kRequiredVerifyHosted, *route);
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent) << r.recipients[0].reply;
  EXPECT_EQ(r.attempts[0].outcome.starttls, "implicit");
  EXPECT_EQ(r.attempts[0].outcome.trace->identity.rule, "route-host");
}

TEST_F(Delivery, SecondConnectionResumesAndIsStillVerified) {
  auto r = send("wild.mail.test", TlsSetting::kRequiredVerify);
  ASSERT_EQ(r.recipients[0].status, RecipientStatus::kSent);
  r = send("wild.mail.test", TlsSetting::kRequiredVerify);
  ASSERT_EQ(r.recipients[0].status, RecipientStatus::kSent);
  EXPECT_TRUE(r.attempts[0].outcome.tls_resumed);
  ASSERT_TRUE(r.attempts[0].outcome.trace);
  EXPECT_TRUE(r.attempts[0].outcome.trace->verified);
  // Botan skips its verify callback on resumption: with the trust anchor gone, a resumed
  // session must still fail the chain check.
  tls::TrustStore empty;
  context_.trust = &empty;
  r = send("wild.mail.test", TlsSetting::kRequiredVerify);
  EXPECT_TRUE(r.attempts[0].outcome.tls_resumed);
  EXPECT_EQ(r.attempts[0].outcome.stage, "chain");
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
}

// Scripted peers: the route is the scripted server's address and port.
class Scripted : public Delivery {
 protected:
  DeliveryResult via(test::ScriptedSmtpServer& server, TlsSetting setting) {
    return send("scripted.mail.test", setting, route_to("127.0.0.40:" + std::to_string(server.port())));
  }
};

void accept_mail(ScriptedPeer& p) {
  for (auto l = p.line(); l; l = p.line()) {
    if (l->rfind("MAIL", 0) == 0 || l->rfind("RCPT", 0) == 0)
      p.send("250 2.1.0 ok\r\n");
    else if (*l == "DATA") {
      p.send("354 go\r\n");
      p.data();
      p.send("250 2.0.0 queued\r\n");
    } else if (*l == "QUIT") {
      p.send("221 bye\r\n");
      return;
    } else {
      p.send("500 5.5.1 what?\r\n");
    }
  }
}

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
SessionResult session_under_dane(const SessionContext& context, asio::io_context& io, std::uint16_t port, policy::DaneState state,
                                 const Envelope& envelope) {
  SessionRequest req{.target = {.host = "mx.dane.test", .address = asio::ip::make_address("127.0.0.40"), .port = port},
                     .setting = TlsSetting::kPreferred,
                     .facts = {.recipient_domain = "dane.test", .mx_host = "mx.dane.test"},
                     .envelope = &envelope};
  req.dane.state = state;
  req.dane.trace.state = state;
  req.dane.trace.tlsa_base = "mx.dane.test";
  std::optional<SessionResult> out;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { out = co_await run_session(context, std::move(req)); }, asio::detached);
  io.restart();
  io.run();
  return std::move(*out);
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
