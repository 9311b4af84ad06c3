// The daemon composed (daemon/relay.h) on loopback with a DNS double: what outlives what.
// The Relay object may go away while a client session and a delivery are suspended; the
// listener and the queue runner are shared by their coroutines, so the session still answers
// and nothing touches freed memory (the sanitizer build runs this). Also the control
// requests (daemon/admin_commands.h) and the metrics endpoint (daemon/metrics_server.h)
// against the running parts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "asio/asio.h"
#include "mta/daemon/relay.h"
#include "tests/dns/fake_transport.h"

namespace sealpost::mta {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

std::uint16_t free_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

class RelayTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sealpost-relay-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "trust");
    port_ = free_port();
    std::ofstream(dir_ / "sealpost.toml") << "[server]\nlisten = [\"127.0.0.1:" << port_ << "\"]\n"
                                          << "[spool]\ndirectory = \"spool\"\n[trust]\nsystem_bundle = false\n"
                                          << "[log]\noutcome_file = \"\"\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Relay> make_relay() {
    auto set = load_config_set(dir_);
    EXPECT_TRUE(set) << set.error().message;
    auto relay = Relay::create(io_, {.etc = dir_,
                                     .policy = std::move(*set),
                                     .log = [this](LogLevel, const std::string& line) { log_ += line + "\n"; },
                                     .dns = &dns_});
    EXPECT_TRUE(relay) << relay.error().message;
    EXPECT_TRUE((*relay)->start());
    return std::move(*relay);
  }

  // Runs the loop for 10 ms, then appends what the client can read without waiting.
  void run_and_read(tcp::socket& client, std::string& got) {
    io_.run_for(std::chrono::milliseconds(10));
    boost::system::error_code ec;
    while (client.available(ec) > 0) {
      char buf[4096];
      got.append(buf, client.read_some(asio::buffer(buf), ec));
    }
  }

  // Runs the loop until the client has read a reply line that starts with `code`.
  std::string say(tcp::socket& client, const std::string& line, const std::string& code) {
    if (!line.empty()) asio::write(client, asio::buffer(line));
    std::string got;
    for (int i = 0; i < 200 && got.find("\n" + code + " ") == std::string::npos && !got.starts_with(code + " "); ++i) {
      run_and_read(client, got);
    }
    return got;
  }

  // One HTTP exchange with the metrics endpoint, the loop run until the server closes.
  std::string http(const std::string& request) {
    tcp::socket client(io_);
    client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), metrics_port_));
    asio::write(client, asio::buffer(request));
    std::string got;
    for (int i = 0; i < 300; ++i) {
      run_and_read(client, got);
      boost::system::error_code ec;
      char probe;
      client.non_blocking(true);
      client.receive(asio::buffer(&probe, 1), tcp::socket::message_peek, ec);
      if (ec == asio::error::eof) break;
    }
    return got;
  }

  dns::test::FakeTransport dns_;  // before io_: handlers it holds go after the loop's frames
  asio::io_context io_;
  fs::path dir_;
  std::uint16_t port_ = 0;
  std::uint16_t metrics_port_ = 0;
  std::string log_;
};

TEST_F(RelayTest, ASessionAndADeliveryOutliveTheRelayObject) {
  auto relay = make_relay();
  tcp::socket client(io_);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  EXPECT_NE(say(client, "", "220").find("220 "), std::string::npos);
  const std::string queued = say(client,
                                 "EHLO t\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n"
                                 "Subject: s\r\n\r\nbody\r\n.\r\n",
                                 "250");
  EXPECT_NE(queued.find("250 2.0.0 Ok: queued as "), std::string::npos) << queued;
  // The delivery starts and waits for its MX query (up to 5 s: a loaded machine under ASan).
  for (int i = 0; i < 500 && dns_.queries < 1; ++i) io_.run_for(std::chrono::milliseconds(10));
  EXPECT_GE(dns_.queries, 1);

  relay.reset();  // the daemon object goes; the session and the delivery are still suspended
  EXPECT_NE(say(client, "QUIT\r\n", "221").find("221 "), std::string::npos);
  client.close();
  io_.run_for(std::chrono::milliseconds(20));
  // The message stays in the spool for the next start, untouched by the abandoned attempt.
  std::size_t messages = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir_ / "spool" / "queue")) ++messages;
  EXPECT_GE(messages, 1u);
}

TEST_F(RelayTest, ControlRequestsAnswerWithTheirExitStatus) {
  auto relay = make_relay();
  const auto status = relay->control("status --json");
  EXPECT_EQ(status.exit_status, 0);
  EXPECT_NE(status.output.find("\"inbound_connections\": 0"), std::string::npos) << status.output;
  EXPECT_EQ(relay->control("hold 0123456789ABCDEF").exit_status, 1);  // no such message
  EXPECT_EQ(relay->control("hold nonsense").exit_status, 2);
  EXPECT_EQ(relay->control("debug smtp on").output, "debug smtp on\n");
  EXPECT_NE(relay->control("debug").output.find("smtp on\n"), std::string::npos);
  EXPECT_EQ(relay->control("debug loud on").exit_status, 2);
  EXPECT_EQ(relay->control("flush").output, "0 message(s) scheduled now\n");
  const auto bad = relay->control("frobnicate \x01");
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_EQ(bad.output.find('\x01'), std::string::npos);  // escaped
}

TEST_F(RelayTest, MetricsEndpointServesPrometheusTextOverHttp) {
  metrics_port_ = free_port();
  std::ofstream(dir_ / "sealpost.toml", std::ios::app) << "[metrics]\nlisten = \"127.0.0.1:" << metrics_port_ << "\"\n";
  auto relay = make_relay();
  ASSERT_TRUE(relay->metrics_endpoint());
  tcp::socket client(io_);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  say(client, "", "220");
  say(client, "EHLO t\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\n", "250");

  const std::string ok = http("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(ok.starts_with("HTTP/1.1 200 OK\r\n")) << ok;
  EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\nsealpost_messages_queued_total 1\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\nsealpost_inbound_connections_total 1\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\nsealpost_inbound_connections_open 1\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\nsealpost_spool_commit_seconds_count 1\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("\nsealpost_queue_messages 1\n"), std::string::npos) << ok;
  EXPECT_NE(ok.find("# TYPE sealpost_spool_commit_seconds histogram\n"), std::string::npos) << ok;
  const auto without_age = [](std::string text) {  // the one figure that moves between two renderings
    const auto at = text.find("\nsealpost_queue_oldest_message_age_seconds ");
    return at == std::string::npos ? text : text.erase(at, text.find('\n', at + 1) - at);
  };
  EXPECT_EQ(without_age(relay->metrics()), without_age(ok.substr(ok.find("\r\n\r\n") + 4)))
      << "the endpoint serves what metrics() renders";

  // A query string is ignored; two requests on one connection (Prometheus keeps it open).
  const std::string two =
      http("GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(two.find("HTTP/1.1 200 OK", two.find("HTTP/1.1 200 OK") + 1) != std::string::npos, true) << two;
  const std::string head = http("HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << "HEAD has no body: " << head;
  EXPECT_TRUE(http("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 404 Not Found\r\n"));
  const std::string post = http("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(post.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << post;
  EXPECT_NE(post.find("Allow: GET, HEAD\r\n"), std::string::npos) << post;
  EXPECT_TRUE(http("\x01\x02 garbage\r\n\r\n").starts_with("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_TRUE(http("GET /metrics HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n").starts_with("HTTP/1.1 400"))
      << "a header over 8 KiB is refused";
  EXPECT_TRUE(http("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").starts_with("HTTP/1.1 400"))
      << "no request body is accepted";
  EXPECT_NE(relay->metrics().find("\nsealpost_inbound_connections_total 1\n"), std::string::npos)
      << "scrapes are not SMTP connections";

  relay->stop();
  boost::system::error_code ec;
  tcp::socket late(io_);
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), metrics_port_), ec);
  EXPECT_TRUE(ec) << "the endpoint closes with the daemon";
}

TEST_F(RelayTest, MetricsListenerThatCannotBindStopsTheStart) {
  tcp::acceptor taken(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::ofstream(dir_ / "sealpost.toml", std::ios::app)
      << "[metrics]\nlisten = \"127.0.0.1:" << taken.local_endpoint().port() << "\"\n";
  auto set = load_config_set(dir_);
  ASSERT_TRUE(set) << set.error().message;
  auto relay =
      Relay::create(io_, {.etc = dir_, .policy = std::move(*set), .log = [](LogLevel, const std::string&) {}, .dns = &dns_});
  ASSERT_TRUE(relay);
  const auto started = (*relay)->start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("[metrics] listen 127.0.0.1:"), std::string::npos) << started.error().message;
}

}  // namespace
}  // namespace sealpost::mta
