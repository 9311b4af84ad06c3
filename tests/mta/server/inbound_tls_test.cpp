// The listener's connection after STARTTLS (server/inbound_connection.h) on a loopback socket,
// with a Sealpost TLS client channel driven by hand: a TLS 1.3 client that sends EHLO in the
// same write as its Finished gets its EHLO read at once. Before, that EHLO was decrypted with
// the handshake and left in the channel while the server waited on the socket, and both
// sides waited until the idle timeout (found by bench/relay-vs-peers.sh SINK=sealpost, then named relay-vs-postfix.sh).
#include <gtest/gtest.h>

#include <optional>

#include "asio/asio.h"
#include "mta/server/inbound_connection.h"
#include "tests/support/test_pki.h"
#include "tls/tls_client_channel.h"
#include "tls/tls_server_channel.h"

namespace sealpost::mta {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::span<const std::uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

TEST(InboundTls, FirstCommandInTheClientsLastHandshakeFlightIsRead) {
  auto context = tls::TlsServerContext::load(test::pki_file("mail-wildcard-chain.pem"), test::pki_file("mail-wildcard.key"));
  ASSERT_TRUE(context) << context.error().message;
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  std::optional<Result<std::string>> got;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        InboundConnection conn(co_await acceptor.async_accept(asio::use_awaitable));
        if (auto s = co_await conn.start_tls(**context, std::chrono::seconds(5)); !s) {
          got = Result<std::string>(s.error());
          co_return;
        }
        got = co_await conn.read(std::chrono::seconds(3));
        co_await conn.close();
      },
      asio::detached);

  tls::TlsClientContext client_context;
  tls::TlsClientChannel tls(client_context,
                            {.server_name = "mx-wild.mail.test", .port = 25, .strength = tls::TlsStrength::kModern});
  for (int round = 0; round < 500 && !tls.established(); ++round) {  // ≥ 10 s of server time
    if (const std::string out = tls.take_output(); !out.empty()) asio::write(client, asio::buffer(out));
    io.run_for(std::chrono::milliseconds(20));
    boost::system::error_code ec;
    while (client.available(ec) > 0) {
      std::string in(client.available(ec), '\0');
      in.resize(client.read_some(asio::buffer(in), ec));
      ASSERT_TRUE(tls.received(bytes(in)));
    }
  }
  ASSERT_TRUE(tls.established());
  // The client's Finished is still in its output: EHLO goes out in the same write.
  ASSERT_TRUE(tls.send(bytes("EHLO client.test\r\n")));
  asio::write(client, asio::buffer(tls.take_output()));
  for (int i = 0; i < 500 && !got; ++i) io.run_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(got) << "the server did not answer within 10 s";
  ASSERT_TRUE(*got) << got->error().message;
  EXPECT_EQ(**got, "EHLO client.test\r\n");
  EXPECT_EQ(tls.facts().version, "TLS v1.3");
}

}  // namespace
}  // namespace sealpost::mta
