// `sealpostd`: the relay daemon. Reads ETC/sealpost.toml, ETC/destconfig.toml,
// ETC/smtproutes.toml and the trustpoints (ETC as for `sealpost`: --etc, $SEALPOST_ETC,
// /etc/sealpost when installed, ./etc);
// a file that does not validate stops it at once with the file, line and key, exit 2. Runs
// in the foreground; SIGTERM or SIGINT stops it, leaving the queue in the spool. Human log via
// spdlog (file or stderr), TLS outcome records one JSON object per line (DESIGN.md "Logs").
// SIGHUP reloads the configuration (as `sealpost reload`); SIGUSR1, and every reload, reopen
// the two log files (logrotate's postrotate). Started as root it binds, opens, then works as
// [server] user (mta/daemon/privileges.h) before it reads from the network. Under systemd:
// READY/RELOADING/STOPPING (service_notify.h), and without [log] file the human log goes to
// the journal with each line's priority (journal_sink.h).
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>  // also the stderr sinks
#include <spdlog/spdlog.h>

#include "dns/cares_transport.h"
#include "mta/daemon/config_set.h"
#include "mta/daemon/privileges.h"
#include "mta/daemon/relay.h"
#include "mta/daemon/service_notify.h"
#include "tools/args.h"
#include "tools/journal_sink.h"

namespace {

using namespace sealpost;
namespace fs = std::filesystem;

int fail(const std::string& message) {
  std::cerr << "sealpostd: " << message << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path etc = cli::default_etc_dir();
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
  auto policy = mta::load_config_set(etc);
  if (!policy) return fail(policy.error().message);
  const policy::RelayConfig& config = policy->config;
  // Decided before anything is bound or opened: a user that cannot be had stops the start.
  auto run_as = mta::plan_run_as(config.user, ::geteuid());
  if (!run_as) return fail(run_as.error().message);
  std::vector<fs::path> handed_over = {mta::control_socket_path(config)};
  for (const auto& f : {config.log_file, config.outcome_log}) {
    if (!f.empty()) handed_over.emplace_back(f);
  }
  const fs::path spool_dir = config.spool_directory;
  const bool stays_root = ::geteuid() == 0 && !*run_as;

  // The human log goes through a dist_sink, so a reopen (below) swaps its file sink under the
  // sink's own lock while other threads may be logging.
  std::shared_ptr<spdlog::logger> logger;
  std::shared_ptr<spdlog::sinks::dist_sink_mt> log_sinks;
  try {
    if (config.log_file.empty() && cli::is_journal_stream(2)) {
      logger = std::make_shared<spdlog::logger>("sealpostd", std::make_shared<cli::JournalStreamSink>());
    } else if (config.log_file.empty()) {
      logger = spdlog::stderr_color_mt("sealpostd");
    } else {
      const fs::path f = config.log_file;
      fs::create_directories(f.parent_path());
      log_sinks = std::make_shared<spdlog::sinks::dist_sink_mt>();
      log_sinks->add_sink(std::make_shared<spdlog::sinks::basic_file_sink_mt>(f.string()));
      logger = std::make_shared<spdlog::logger>("sealpostd", log_sinks);
    }
  } catch (const std::exception& e) {
    return fail(std::string("log file: ") + e.what());
  }
  logger->flush_on(spdlog::level::info);
  std::ofstream outcome_log;
  if (!config.outcome_log.empty()) {
    const fs::path f = config.outcome_log;
    std::error_code ec;
    fs::create_directories(f.parent_path(), ec);
    outcome_log.open(f, std::ios::app);
    if (!outcome_log) return fail(f.string() + ": cannot open the TLS outcome log");
  }
  // After logrotate moved them (its postrotate sends SIGUSR1 or runs `sealpost reload`): both
  // files opened again at the paths the daemon started with. On the event loop, the outcome
  // log's only writer; a file that cannot be opened keeps the old one, and says so.
  const auto reopen_logs = [&, log_path = config.log_file, outcome_path = config.outcome_log] {
    if (log_sinks) {
      try {
        log_sinks->set_sinks({std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_path)});
      } catch (const std::exception& e) {
        logger->error("log file not reopened, still writing the old one: {}", e.what());
      }
    }
    if (!outcome_path.empty()) {
      std::ofstream again(outcome_path, std::ios::app);
      if (again) {
        outcome_log = std::move(again);
      } else {
        logger->error("{}: cannot open the TLS outcome log; still writing the old file", outcome_path);
      }
    }
    logger->info("log files reopened");
  };
  bool started = false;  // `configured` runs at start too, where the files were just opened
  boost::asio::io_context io;
  auto transport = dns::CaresTransport::create(io, {.servers = config.dns_servers});
  if (!transport) return fail(transport.error().message);
  mta::RelayParts parts{
      .etc = etc,
      .policy = std::move(*policy),
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
      .configured =
          [logger, &reopen_logs, &started](const policy::RelayConfig& c) {
            logger->set_level(spdlog::level::from_str(c.log_level == "warning" ? "warn" : c.log_level));
            if (started) {  // a reload
              reopen_logs();
              mta::notify_service_manager("RELOADING=1");
              mta::notify_service_manager("READY=1\nSTATUS=configuration reloaded");
            }
            started = true;
          },
      .dns = transport->get(),
  };
  auto relay = mta::Relay::create(io, std::move(parts));
  if (!relay) return fail(relay.error().message);
  if (auto s = (*relay)->start(); !s) return fail(s.error().message);
  // Listeners bound, spool and logs open, nothing read yet (the loop has not run): now the
  // files go to the user and the process becomes it.
  if (*run_as) {
    const mta::RunAs& who = **run_as;
    if (auto s = mta::hand_over(who, spool_dir, handed_over); !s) return fail(s.error().message);
    if (auto s = mta::become(who); !s) return fail(s.error().message);
    logger->info("working as user {} (uid {}, gid {}), supplementary groups cleared", who.name, who.uid, who.gid);
  } else if (stays_root) {
    logger->warn("running as root: [server] user = \"root\" says so; a relay should work as its own user");
  }
  mta::notify_service_manager("READY=1\nSTATUS=accepting mail");

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    logger->info("signal {}: stopping; the queue stays in the spool", sig);
    mta::notify_service_manager("STOPPING=1");
    (*relay)->stop();
    io.stop();
  });
  // SIGHUP: reload (as `sealpost reload`); a configuration that does not validate is logged
  // and refused, and the daemon goes on with the one it has.
  boost::asio::signal_set hangup(io, SIGHUP);
  std::function<void()> wait_hangup = [&] {
    hangup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      (void)(*relay)->reload();
      wait_hangup();
    });
  };
  wait_hangup();
  boost::asio::signal_set usr1(io, SIGUSR1);
  std::function<void()> wait_usr1 = [&] {
    usr1.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reopen_logs();
      wait_usr1();
    });
  };
  wait_usr1();
  io.run();
  return 0;
}
