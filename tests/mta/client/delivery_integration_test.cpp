// The SMTP client against real peers on loopback: Postfix smtpd with a certificate per
// address and smtp-sink without STARTTLS (fixture `smtp`), MX and PTR records from nsd
// (fixture `dns`), certificates from openssl (fixture `pki`), validated at 2026-01-01.
// Every setting × every peer from tests/data/smtp_matrix.tsv (TLS-POLICY.md §6–9); the stages
// Postfix will not produce are in scripted_delivery_test.cpp.
#include <gtest/gtest.h>

#include "mta/client/connection_cache.h"
#include "mta/client/smtp_auth.h"
#include "tests/mta/client/delivery_fixture.h"
#include "tests/support/tsv.h"

namespace sealpost::mta {
namespace asio = boost::asio;
namespace {

using namespace test_fixture;

struct MatrixRow {
  std::string name, domain, setting, result, stage, starttls, rule, status, version;
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
  EXPECT_EQ(o.tls_version.empty() ? "-" : o.tls_version, row.version);
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
  for (auto& r : test::read_tsv(test::data_path("smtp_matrix.tsv"), 9))
    rows.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]});
  return rows;
}

INSTANTIATE_TEST_SUITE_P(EverySettingEveryPeer, Matrix, testing::ValuesIn(matrix()),
                         [](const auto& row_info) { return test::test_name(row_info.param.name); });

// Routes to IP addresses send no SNI, and their TLS sessions are cached per address. The
// peers on 127.0.0.33 (CN cnonly.mail.test) and .32 (*.mail.test) are one Postfix with one
// set of ticket keys: when every IP-literal peer shared one cache entry, .32 resumed .33's
// session and wild.mail.test was checked against cnonly.mail.test's certificate (deferred,
// "certificate identity did not match").
TEST_F(Delivery, RoutesToTwoAddressesOfOneServerKeepTheirOwnTlsSessions) {
  const std::string port = ":" + std::to_string(test::smtp_peer_port());
  for (int round = 0; round < 2; ++round) {
    for (const auto& [domain, address] : {std::pair{"cnonly.mail.test", "127.0.0.33"}, {"wild.mail.test", "127.0.0.32"}}) {
      const auto r = send(domain, TlsSetting::kRequiredVerify, route_to(address + port));
      ASSERT_EQ(r.recipients.size(), 1u);
      EXPECT_EQ(to_string(r.recipients[0].status), "sent") << domain << ", round " << round << ": " << r.recipients[0].reply;
      ASSERT_FALSE(r.attempts.empty());
      EXPECT_EQ(r.attempts.back().outcome.tls_resumed, round == 1) << domain << ", round " << round;
    }
  }
}

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

// `debug smtp`: the outbound dialogue line by line, credentials never in it — AUTH PLAIN's
// argument and AUTH LOGIN's answers to the 334 challenges are masked.
TEST_F(Delivery, DebugSmtpLogsTheDialogueWithCredentialsMasked) {
  std::vector<std::string> lines;
  context_.log = std::make_shared<LogSink>([&](LogLevel, const std::string& l) { lines.push_back(l); });
  context_.log->switch_debug("smtp", true);
  const std::string port = std::to_string(test::smtp_peer_port());
  auto r =
      send("mxname.mail.test", TlsSetting::kRequiredVerifyHosted, route_to("alice@example.com:p@ss:word@smtp.mail.test:" + port));
  ASSERT_EQ(r.recipients[0].status, RecipientStatus::kSent) << r.recipients[0].reply;
  auto route = policy::make_route({"alice@example.com:p@ss:word@smtps.mail.test:" + port}, /*implicit_tls=*/true);
  ASSERT_TRUE(route);
  r = send("mxname.mail.test", TlsSetting::kRequiredVerifyHosted, *route);
  ASSERT_EQ(r.recipients[0].status, RecipientStatus::kSent) << r.recipients[0].reply;
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  for (const char* expected :
       {"debug smtp: smtp.mail.test[127.0.0.39] > EHLO ", "debug smtp: smtp.mail.test[127.0.0.39] > STARTTLS\n",
        "debug smtp: smtp.mail.test[127.0.0.39] > AUTH PLAIN ***\n", "debug smtp: smtp.mail.test[127.0.0.39] < 235 2.7.0",
        "> MAIL FROM:<", "> RCPT TO:<", "debug smtp: smtps.mail.test[127.0.0.42] > AUTH LOGIN\n",
        "smtps.mail.test[127.0.0.42] < 334 ", "smtps.mail.test[127.0.0.42] > ***\n", "> QUIT\n"}) {
    EXPECT_NE(all.find(expected), std::string::npos) << expected << "\n---\n" << all;
  }
  for (const std::string& secret : std::vector<std::string>{"p@ss:word", base64("p@ss:word"), base64("alice@example.com")}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret;
  }
}

// wild and shared.mail.test both have mx-wild (*.mail.test) as MX. A connection parked after
// wild's message carries shared's under the settings that do not verify, its record logging
// the certificate against shared's REF-IDs; under a verifying setting each domain's
// identities are checked on a connection of its own (connection_cache.h).
TEST_F(Delivery, DomainsSharingAnMxShareAConnectionUnlessTheSettingVerifies) {
  ConnectionCache cache(io_.get_executor());
  context_.connections = &cache;
  for (const auto setting : {TlsSetting::kNo, TlsSetting::kPreferred, TlsSetting::kRequired, TlsSetting::kRequiredVerify}) {
    std::vector<DeliveryResult> results;
    std::vector<Envelope> envelopes;
    for (const char* domain : {"wild.mail.test", "shared.mail.test"})
      envelopes.push_back(
          {.from = "sender@client.sealpost.test", .recipients = {std::string("rcpt@") + domain}, .content = "x\r\n"});
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          for (const auto& e : envelopes) {
            // A named request: g++ 12 frees a braced temporary argument of a coroutine twice.
            DeliveryRequest request{.recipient_domain = e.recipients[0].substr(5),
                                    .setting = setting,
                                    .mx_port = test::smtp_peer_port(),
                                    .envelope = &e,
                                    .max_messages_per_connection = 10};
            results.push_back(co_await deliver(context_, *resolver_, std::move(request), {}));
          }
          cache.close_all();
        },
        asio::detached);
    io_.restart();
    io_.run();
    const std::string name(policy::to_string(setting));
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) {
      ASSERT_EQ(r.recipients.size(), 1u);
      EXPECT_EQ(r.recipients[0].status, RecipientStatus::kSent) << name << ": " << r.recipients[0].reply;
      ASSERT_EQ(r.attempts.size(), 1u);
    }
    const TlsOutcome& second = results[1].attempts[0].outcome;
    EXPECT_EQ(second.recipient_domain, "shared.mail.test");
    EXPECT_EQ(second.connection_reused, !policy::verifies_certificate(setting)) << name;
    EXPECT_EQ(second.tls_version.empty(), setting == TlsSetting::kNo) << name;
    if (setting == TlsSetting::kNo) continue;
    ASSERT_TRUE(second.trace) << name;
    std::string refs;
    for (const auto& id : second.trace->ref_ids) refs += " " + id.value + " ";
    EXPECT_NE(refs.find(" shared.mail.test "), std::string::npos) << name << ":" << refs;
    EXPECT_EQ(refs.find(" wild.mail.test "), std::string::npos) << name << ":" << refs;
    EXPECT_TRUE(second.trace->identity.matched) << name;
  }
  EXPECT_EQ(cache.stats().reused, 3u);
}

// A TLS 1.3 ticket (wild) and a TLS 1.2 session (tls12, the 1.2-only listener).
class Resumption : public Delivery, public testing::WithParamInterface<std::pair<std::string, std::string>> {};

TEST_P(Resumption, SecondConnectionResumesAndIsStillVerified) {
  const auto& [domain, version] = GetParam();
  auto r = send(domain, TlsSetting::kRequiredVerify);
  ASSERT_EQ(r.recipients[0].status, RecipientStatus::kSent);
  EXPECT_FALSE(r.attempts[0].outcome.tls_resumed);
  r = send(domain, TlsSetting::kRequiredVerify);
  ASSERT_EQ(r.recipients[0].status, RecipientStatus::kSent);
  EXPECT_TRUE(r.attempts[0].outcome.tls_resumed);
  EXPECT_EQ(r.attempts[0].outcome.tls_version, version);
  ASSERT_TRUE(r.attempts[0].outcome.trace);
  EXPECT_TRUE(r.attempts[0].outcome.trace->verified);
  // Botan skips its verify callback on resumption: with the trust anchor gone, a resumed
  // session must still fail the chain check.
  tls::TrustStore empty;
  context_.trust = &empty;
  r = send(domain, TlsSetting::kRequiredVerify);
  EXPECT_TRUE(r.attempts[0].outcome.tls_resumed);
  EXPECT_EQ(r.attempts[0].outcome.tls_version, version);
  EXPECT_EQ(r.attempts[0].outcome.stage, "chain");
  EXPECT_EQ(r.recipients[0].status, RecipientStatus::kDeferred);
}

INSTANTIATE_TEST_SUITE_P(Tls13AndTls12, Resumption,
                         testing::Values(std::pair<std::string, std::string>{"wild.mail.test", "TLS v1.3"},
                                         std::pair<std::string, std::string>{"tls12.mail.test", "TLS v1.2"}),
                         [](const auto& row_info) {
                           return row_info.param.first == "wild.mail.test" ? "Tls13Ticket" : "Tls12Session";
                         });

// Scripted peers: the route is the scripted server's address and port.
}  // namespace
}  // namespace sealpost::mta
