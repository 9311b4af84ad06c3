// The daemon composed (daemon/relay.h) on loopback with a DNS double: what outlives what.
// The Relay object may go away while a client session and a delivery are suspended; the
// listener and the queue runner are shared by their coroutines, so the session still answers
// and nothing touches freed memory (the sanitizer build runs this). Also the control
// requests (daemon/admin_commands.h) against the running parts.
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

  // Runs the loop until the client has read a reply line that starts with `code`.
  std::string say(tcp::socket& client, const std::string& line, const std::string& code) {
    if (!line.empty()) asio::write(client, asio::buffer(line));
    std::string got;
    for (int i = 0; i < 200 && got.find("\n" + code + " ") == std::string::npos && !got.starts_with(code + " "); ++i) {
      io_.run_for(std::chrono::milliseconds(10));
      boost::system::error_code ec;
      while (client.available(ec) > 0) {
        char buf[512];
        got.append(buf, client.read_some(asio::buffer(buf), ec));
      }
    }
    return got;
  }

  dns::test::FakeTransport dns_;  // before io_: handlers it holds go after the loop's frames
  asio::io_context io_;
  fs::path dir_;
  std::uint16_t port_ = 0;
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
  io_.run_for(std::chrono::milliseconds(50));  // the delivery starts and waits for its MX query
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

}  // namespace
}  // namespace sealpost::mta
