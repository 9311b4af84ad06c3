// `sealpostd`: the relay daemon. Reads ETC/sealpost.toml, ETC/destconfig.toml,
// ETC/smtproutes.toml and the trustpoints (ETC as for `sealpost`: --etc, $SEALPOST_ETC, ./etc);
// a file that does not validate stops it at once with the file, line and key, exit 2. Runs
// in the foreground; SIGTERM or SIGINT stops it, leaving the queue in the spool. Human log via
// spdlog (file or stderr), TLS outcome records one JSON object per line (DESIGN.md "Logs").
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>  // also the stderr sinks
#include <spdlog/spdlog.h>

#include "dns/cares_transport.h"
#include "mta/config_file.h"
#include "mta/relay.h"
#include "policy/destconfig.h"
#include "policy/relay_config.h"
#include "policy/smtproutes.h"

namespace {

using namespace sealpost;
namespace fs = std::filesystem;

int fail(const std::string& message) {
  std::cerr << "sealpostd: " << message << "\n";
  return 2;
}

fs::path under(const fs::path& etc, const std::string& p) { return fs::path(p).is_absolute() ? fs::path(p) : etc / p; }

}  // namespace

int main(int argc, char** argv) {
  fs::path etc = std::getenv("SEALPOST_ETC") ? std::getenv("SEALPOST_ETC") : "etc";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--etc" && i + 1 < argc) {
      etc = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: sealpostd [--etc DIR]\n\nThe Sealpost relay daemon: accepts mail on the listeners of "
                   "DIR/sealpost.toml,\nspools it durably and delivers it with each destination's TLS setting.\n";
      return 0;
    } else {
      return fail("unknown argument '" + a + "' (usage: sealpostd [--etc DIR])");
    }
  }
  const fs::path config_file = etc / "sealpost.toml";
  auto text = mta::read_text_file(config_file);
  if (!text) return fail(text.error().message);
  auto config = policy::parse_relay_config(*text, config_file.string());
  if (!config) return fail(config.error().message);
  auto dests = mta::load_config_file<policy::DestConfig>(etc / "destconfig.toml", policy::parse_destconfig);
  if (!dests) return fail(dests.error().message);
  auto routes = mta::load_config_file<policy::SmtpRoutes>(etc / "smtproutes.toml", policy::parse_smtproutes);
  if (!routes) return fail(routes.error().message);
  tls::TrustStore trust;
  if (auto s = trust.load_directory(under(etc, config->trust_directory)); !s) return fail(s.error().message);
  if (config->system_trust) {
    if (auto s = trust.load_system_bundle(); !s) return fail(s.error().message);
  }
  config->spool_directory = under(etc, config->spool_directory).string();

  std::shared_ptr<spdlog::logger> logger;
  try {
    if (config->log_file.empty()) {
      logger = spdlog::stderr_color_mt("sealpostd");
    } else {
      const fs::path f = under(etc, config->log_file);
      fs::create_directories(f.parent_path());
      logger = spdlog::basic_logger_mt("sealpostd", f.string());
    }
  } catch (const std::exception& e) {
    return fail(std::string("log file: ") + e.what());
  }
  logger->set_level(spdlog::level::from_str(config->log_level == "warning" ? "warn" : config->log_level));
  logger->flush_on(spdlog::level::info);
  std::ofstream outcome_log;
  if (!config->outcome_log.empty()) {
    const fs::path f = under(etc, config->outcome_log);
    std::error_code ec;
    fs::create_directories(f.parent_path(), ec);
    outcome_log.open(f, std::ios::app);
    if (!outcome_log) return fail(f.string() + ": cannot open the TLS outcome log");
  }

  boost::asio::io_context io;
  auto transport = dns::CaresTransport::create(io, {.servers = config->dns_servers});
  if (!transport) return fail(transport.error().message);
  mta::RelayParts parts{
      .config = *config,
      .destconfig = std::move(*dests),
      .routes = std::move(*routes),
      .trust = std::move(trust),
      .log =
          [logger](mta::LogLevel level, const std::string& line) {
            switch (level) {
              case mta::LogLevel::kDebug: logger->debug(line); break;
              case mta::LogLevel::kInfo: logger->info(line); break;
              case mta::LogLevel::kWarning: logger->warn(line); break;
              case mta::LogLevel::kError: logger->error(line); break;
            }
          },
      .outcome =
          [&outcome_log](const mta::TlsOutcome& o) {
            if (outcome_log.is_open()) outcome_log << mta::to_json_line(o) << "\n" << std::flush;
          },
      .dns = transport->get(),
  };
  auto relay = mta::Relay::create(io, std::move(parts));
  if (!relay) return fail(relay.error().message);
  if (auto s = (*relay)->start(); !s) return fail(s.error().message);

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    logger->info("signal {}: stopping; the queue stays in the spool", sig);
    (*relay)->stop();
    io.stop();
  });
  io.run();
  return 0;
}
