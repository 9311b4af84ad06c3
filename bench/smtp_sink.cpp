// A fast SMTP sink on Sealpost's own server code (issue 17): ESMTP with STARTTLS on Botan
// (mta/server's Listener and TLS server channel), every message accepted and discarded at
// the end of DATA — no queue, no disk, no log — so that a relay benchmark measures the relay,
// not its sink (Postfix's smtpd queues what it discards). One listener per argument, each with
// its own certificate, as the Postfix peers have; every address may relay. COUNT_FILE is
// rewritten every 50 ms with two lines for the benchmark: messages received, TLS sessions
// completed (the listener's "STARTTLS:" log line).
// Usage: smtp_sink COUNT_FILE IP:PORT=CHAIN.pem,KEY.pem … (runs until SIGTERM or SIGINT)
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "mta/server/listener.h"
#include "policy/ip_network.h"

namespace {

using namespace sealpost;
namespace asio = boost::asio;

int usage(const std::string& why) {
  std::cerr << "smtp_sink: " << why << "\nusage: smtp_sink COUNT_FILE IP:PORT=CHAIN.pem,KEY.pem …\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage("a count file and at least one listener");
  const std::string count_file = argv[1];
  asio::io_context io;
  std::uint64_t received = 0, tls_sessions = 0;
  auto log = std::make_shared<mta::LogSink>([&tls_sessions](mta::LogLevel level, const std::string& line) {
    if (level == mta::LogLevel::kError) std::cerr << "smtp_sink: " << line << "\n";
    if (level == mta::LogLevel::kInfo && line.find("]: STARTTLS: ") != std::string::npos) ++tls_sessions;
  });
  const mta::Listener::Commit discard = [&received](const std::string&,
                                                    const mta::Envelope&) -> asio::awaitable<Result<std::string>> {
    char id[17];
    std::snprintf(id, sizeof id, "%016llX", static_cast<unsigned long long>(++received));
    co_return std::string(id);
  };
  std::vector<std::shared_ptr<mta::Listener>> listeners;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    const auto eq = a.find('='), comma = a.find(',', eq);
    const auto colon = a.rfind(':', eq);
    if (eq == std::string::npos || comma == std::string::npos || colon == std::string::npos)
      return usage("bad listener '" + a + "'");
    auto tls = tls::TlsServerContext::load(a.substr(eq + 1, comma - eq - 1), a.substr(comma + 1));
    if (!tls) return usage(tls.error().message);
    auto settings = std::make_shared<mta::ListenerSettings>();
    settings->hostname = "sink.sealpost.test";
    settings->limits.max_message_size = 1ull << 30;
    settings->max_connections = 10000;
    settings->relay_networks = {*policy::IpNetwork::parse("0.0.0.0/0"), *policy::IpNetwork::parse("::/0")};
    settings->tls = std::shared_ptr<tls::TlsServerContext>(std::move(*tls));
    auto l = mta::Listener::create(io, log, discard);
    l->configure(settings);
    const auto port = std::stoul(a.substr(colon + 1, eq - colon - 1));
    if (auto s = l->bind({{.address = a.substr(0, colon), .port = static_cast<std::uint16_t>(port)}}); !s) {
      return usage(s.error().message);
    }
    l->start();
    listeners.push_back(std::move(l));
  }
  asio::steady_timer tick(io);
  std::function<void()> write_count = [&] {
    std::ofstream(count_file + ".tmp") << received << "\n" << tls_sessions << "\n";
    std::rename((count_file + ".tmp").c_str(), count_file.c_str());
    tick.expires_after(std::chrono::milliseconds(50));
    tick.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) write_count();
    });
  };
  write_count();
  asio::signal_set stop(io, SIGTERM, SIGINT);
  stop.async_wait([&](const boost::system::error_code&, int) {
    for (auto& l : listeners) l->stop();
    io.stop();
  });
  io.run();
  return 0;
}
