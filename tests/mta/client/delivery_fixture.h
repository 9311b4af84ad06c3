// The delivery test fixture shared by the integration tests of mta/client/: a resolver on
// the test nsd (fixture `dns`), the test trust anchors (fixture `pki`), short timeouts, and
// send()/run() that collect every TLS outcome; Scripted adds a route to a scripted server.
#pragma once

#include <gtest/gtest.h>

#include "dns/cares_transport.h"
#include "mta/client/delivery.h"
#include "tests/support/dns_peers.h"
#include "tests/support/scripted_smtp_server.h"
#include "tests/support/smtp_peers.h"
#include "tests/support/test_pki.h"

namespace sealpost::mta::test_fixture {
namespace asio = boost::asio;
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

class Scripted : public Delivery {
 protected:
  DeliveryResult via(test::ScriptedSmtpServer& server, TlsSetting setting) {
    return send("scripted.mail.test", setting, route_to("127.0.0.40:" + std::to_string(server.port())));
  }
};

inline void accept_mail(ScriptedPeer& p) {
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

}  // namespace sealpost::mta::test_fixture
