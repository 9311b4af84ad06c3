// TlsClientChannel against TlsServerChannel in memory (both on Botan 3, no sockets): the
// versions and key exchange a Sealpost client and a Sealpost listener agree on, the policy
// per strength, resumption by TLS 1.3 ticket with the certificates handed over again (never
// across IP-literal peers), and garbage from the peer ending as an error instead of an
// exception.
#include <gtest/gtest.h>

#include "tests/support/test_pki.h"
#include "tls/tls_client_channel.h"
#include "tls/tls_server_channel.h"

namespace sealpost::tls {
namespace {

std::span<const std::uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// Moves ciphertext both ways until neither side has anything to say.
void pump(TlsClientChannel& client, TlsServerChannel& server) {
  for (int round = 0; round < 20; ++round) {
    const std::string to_server = client.take_output();
    if (!to_server.empty()) {
      ASSERT_TRUE(server.received(bytes(to_server)));
    }
    const std::string to_client = server.take_output();
    if (!to_client.empty()) {
      ASSERT_TRUE(client.received(bytes(to_client)));
    }
    if (to_server.empty() && to_client.empty()) return;
  }
  FAIL() << "the handshake did not settle";
}

class Channels : public testing::Test {
 protected:
  void SetUp() override {
    auto context = TlsServerContext::load(test::pki_file("mail-wildcard-chain.pem"), test::pki_file("mail-wildcard.key"));
    ASSERT_TRUE(context) << context.error().message;
    server_context_ = std::move(*context);
  }
  std::unique_ptr<TlsServerContext> server_context_;
};

TEST_F(Channels, Tls13WithTheHybridPostQuantumKeyExchange) {
  TlsClientContext context;
  for (const auto strength : {TlsStrength::kModern, TlsStrength::kLegacy}) {
    TlsClientChannel client(context, {.server_name = "mx-wild.mail.test", .port = 25, .strength = strength});
    TlsServerChannel server(*server_context_);
    pump(client, server);
    ASSERT_TRUE(client.established());
    ASSERT_TRUE(server.established());
    EXPECT_EQ(client.facts().version, "TLS v1.3");
    EXPECT_EQ(server.version(), "TLS v1.3");
    EXPECT_EQ(client.facts().key_exchange, "x25519/ML-KEM-768");
    EXPECT_EQ(server.key_exchange(), "x25519/ML-KEM-768");
    EXPECT_FALSE(client.facts().chain.empty());
    // Application data both ways.
    ASSERT_TRUE(client.send(bytes("EHLO client\r\n")));
    pump(client, server);
    EXPECT_EQ(server.take_plaintext(), "EHLO client\r\n");
    ASSERT_TRUE(server.send(bytes("250 ok\r\n")));
    pump(client, server);
    EXPECT_EQ(client.take_plaintext(), "250 ok\r\n");
  }
}

TEST_F(Channels, ASecondConnectionResumesByTicketAndStillHandsOverTheChain) {
  TlsClientContext context;
  const TlsClientConfig config{.server_name = "mx-wild.mail.test", .port = 25, .strength = TlsStrength::kModern};
  {
    TlsClientChannel client(context, config);
    TlsServerChannel server(*server_context_);
    pump(client, server);
    ASSERT_TRUE(client.established());
    EXPECT_FALSE(client.facts().resumed);
  }
  TlsClientChannel client(context, config);
  TlsServerChannel server(*server_context_);
  pump(client, server);
  ASSERT_TRUE(client.established());
  EXPECT_TRUE(client.facts().resumed);
  EXPECT_EQ(client.facts().version, "TLS v1.3");
  // The caller verifies every handshake again: a resumed one must bring its certificates.
  ASSERT_FALSE(client.facts().chain.empty());
  EXPECT_EQ(client.facts().chain.front(), test::pki_certs("mail-wildcard-chain.pem").front());
}

// A route to an IP address gives the address as the server name: never sent as SNI, it keys
// the session cache. One server context here plays two peers on one port that hold the same
// ticket keys (one Postfix listening on two addresses, as the benchmark's sinks do): the
// second address must not be offered the first one's session, whose certificates would then
// be checked as the second peer's (Delivery.RoutesToTwoAddressesOfOneServerKeepTheirOwnTlsSessions
// shows it against that Postfix).
TEST_F(Channels, APeerAtAnotherAddressIsNotOfferedTheSessionOfTheFirst) {
  TlsClientContext context;
  const auto connect = [&](const std::string& address) {
    TlsClientChannel client(context, {.server_name = address, .port = 25, .strength = TlsStrength::kModern});
    TlsServerChannel server(*server_context_);
    pump(client, server);
    EXPECT_TRUE(client.established());
    return client.facts().resumed;
  };
  EXPECT_FALSE(connect("127.0.0.32"));
  EXPECT_FALSE(connect("127.0.0.33")) << "resumed the session of 127.0.0.32";
  EXPECT_TRUE(connect("127.0.0.32"));  // the same address still resumes
}

TEST_F(Channels, NoResumptionWhenTheContextSaysSo) {
  TlsClientContext context({.resume_sessions = false});
  const TlsClientConfig config{.server_name = "mx-wild.mail.test", .port = 25, .strength = TlsStrength::kModern};
  for (int i = 0; i < 2; ++i) {
    TlsClientChannel client(context, config);
    TlsServerChannel server(*server_context_);
    pump(client, server);
    ASSERT_TRUE(client.established());
    EXPECT_FALSE(client.facts().resumed);
  }
}

TEST(ChannelInput, GarbageFromTheServerIsAnErrorNotAnException) {
  TlsClientContext context;
  TlsClientChannel client(context, {.server_name = "mx.example.test"});
  EXPECT_FALSE(client.take_output().empty());  // the ClientHello
  const auto r = client.received(bytes("220 this is not TLS at all\r\n"));
  EXPECT_FALSE(r);
  EXPECT_FALSE(client.established());
  EXPECT_FALSE(client.send(bytes("x")));
}

}  // namespace
}  // namespace sealpost::tls
