// `sealpost check`: what would stop or weaken sealpostd, found before it starts (Postfix's
// `postfix check` is the model): every configuration file parsed (file, line, key), the
// trustpoints (a file that cannot be used; an anchor expired or expiring within 30 days), the
// system CA bundle, the listener's certificate and key (and the certificate's expiry), the
// spool's modes and owners (against [server] user, whom sealpostd would start as, asked as
// this process is), and smtproutes.toml's mode when it holds passwords. One line per
// problem, "error:" or "warning:"; exit 0 none, 1 warnings only, 2 an error.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "mta/config/config_file.h"
#include "mta/config/relay_config_file.h"
#include "mta/daemon/privileges.h"
#include "policy/destconfig.h"
#include "policy/smtproutes.h"
#include "policy/time_format.h"
#include "tls/pem.h"
#include "tls/tls_server_channel.h"
#include "tls/trust_store.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

constexpr std::string_view kCmd = "check";
constexpr std::string_view kHelp = R"(usage: sealpost check [--at TIME]

Checks what sealpostd would start with, without starting it: sealpost.toml, destconfig.toml,
smtproutes.toml (and that a file holding route passwords is not readable by others), every
trustpoint (unusable files; anchors expired or expiring within 30 days), the system CA
bundle when used, the listener certificate and key, and the spool (nothing in it writable by
others, queue/ and corrupt/ readable by its owner only, everything owned by the spool's
owner). One line per problem.
  --at TIME    judge expiry at TIME (RFC 3339) instead of now
Exit status: 0 no problem, 1 warnings only, 2 at least one error.
)";

constexpr OptionSpec kOptions[] = {{.name = "at", .takes_value = true}, {.name = "help"}};
constexpr auto kSoon = std::chrono::hours(24 * 30);

struct Findings {
  int errors = 0, warnings = 0;
  void error(const std::string& s) {
    std::cout << "error: " << s << "\n";
    ++errors;
  }
  void warning(const std::string& s) {
    std::cout << "warning: " << s << "\n";
    ++warnings;
  }
};

std::string mode_text(fs::perms p) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(p) & 07777u);
  return buf;
}

// An anchor or a listener certificate past, or close to, its notAfter.
void expiry(Findings& f, const std::string& where, const tls::Certificate& c, Clock::time_point at) {
  const auto end = c.not_after();
  const std::string day = policy::rfc3339_utc(end).substr(0, 10);
  if (end < at) {
    f.warning(where + ": " + c.subject() + " expired on " + day);
  } else if (end < at + kSoon) {
    const auto days = std::chrono::duration_cast<std::chrono::hours>(end - at).count() / 24;
    f.warning(where + ": " + c.subject() + " expires on " + day + " (in " + std::to_string(days) + " days)");
  }
}

void check_trust(Findings& f, const fs::path& dir, bool system_bundle, Clock::time_point at) {
  tls::TrustStore store;
  std::vector<tls::BrokenTrustpoint> broken;
  if (auto s = store.load_directory(dir, &broken); !s) f.error(s.error().message);
  for (const auto& b : broken) f.error(b.error + " (sealpostd does not start with it)");
  for (const auto& tp : store.trustpoints()) {
    for (const auto& c : tp.certificates) expiry(f, (dir / (tp.name + ".pem")).string(), c, at);
  }
  if (system_bundle) {
    tls::TrustStore system;
    if (auto s = system.load_system_bundle(); !s) f.error("[trust] system_bundle = true, but " + s.error().message);
  }
}

void check_listener(Findings& f, const policy::RelayConfig& c, Clock::time_point at) {
  if (c.tls_certificate.empty()) return;
  if (auto ctx = tls::TlsServerContext::load(c.tls_certificate, c.tls_key); !ctx) {
    f.error("[server] tls_certificate/tls_key: " + ctx.error().message);
    return;
  }
  auto text = mta::read_text_file(c.tls_certificate);
  auto chain = text ? tls::read_pem_certificates(*text, c.tls_certificate) : Result<std::vector<tls::Certificate>>(text.error());
  if (chain && !chain->empty()) expiry(f, c.tls_certificate, chain->front(), at);
}

// The spool holds every message: nobody may change it but its owner, nobody else may read
// the messages (queue/, corrupt/: sealpostd makes them 0700), and whatever is in it belongs
// to that owner (a file root left behind is one sealpostd may not read).
void check_spool(Findings& f, const fs::path& spool) {
  struct stat top {};
  if (::stat(spool.c_str(), &top) != 0) {
    f.warning(spool.string() + ": does not exist yet (sealpostd creates it)");
    return;
  }
  std::error_code ec;
  for (const fs::path& d : {spool, spool / "queue", spool / "corrupt"}) {
    const auto mode = fs::status(d, ec).permissions();
    if (ec) continue;  // queue/ and corrupt/ appear at the first start
    if ((mode & fs::perms::others_write) != fs::perms::none) {
      f.error(d.string() + ": mode " + mode_text(mode) + " lets any user change queued mail (chmod 700)");
    } else if (d != spool && (mode & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
      f.warning(d.string() + ": mode " + mode_text(mode) + " lets other users read queued mail (chmod 700)");
    }
  }
  ec.clear();
  std::size_t shown = 0;
  for (auto it = fs::recursive_directory_iterator(spool, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || st.st_uid == top.st_uid) continue;
    if (shown++ < 5) {
      f.error(it->path().string() + ": owned by uid " + std::to_string(st.st_uid) + ", the spool by uid " +
              std::to_string(top.st_uid));
    }
  }
  if (ec) f.error(spool.string() + ": " + ec.message());
}

// [server] user as sealpostd, started by whoever runs this, would take it: a user it cannot
// become stops it; a spool someone else owns is handed over at its start, said here first.
void check_user(Findings& f, const policy::RelayConfig& config) {
  auto run_as = mta::plan_run_as(config.user, ::geteuid());
  if (!run_as) {
    f.error(run_as.error().message + " (sealpostd does not start)");
    return;
  }
  struct stat top {};
  if (!*run_as || ::stat(config.spool_directory.c_str(), &top) != 0) return;
  if (top.st_uid != (*run_as)->uid) {
    f.warning(config.spool_directory + ": owned by uid " + std::to_string(top.st_uid) + ", not by [server] user " +
              (*run_as)->name + " (uid " + std::to_string((*run_as)->uid) + "); sealpostd gives it over at start");
  }
}

void check_routes_mode(Findings& f, const fs::path& file, const policy::SmtpRoutes& routes) {
  bool secrets = false;
  for (const auto& [key, r] : routes.entries()) {
    for (const auto& d : r.destinations) secrets = secrets || d.credentials.has_value();
  }
  std::error_code ec;
  const auto mode = fs::status(file, ec).permissions();
  if (secrets && !ec && (mode & (fs::perms::group_read | fs::perms::others_read)) != fs::perms::none) {
    f.warning(file.string() + ": mode " + mode_text(mode) + " lets other users read SMTP route passwords (chmod 600)");
  }
}

}  // namespace

int cmd_check(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_args(argv, kOptions, 0, 0);
  if (!parsed) return fail(kCmd, parsed.error().message + " (see 'sealpost check --help')");
  if (parsed->has("help")) {
    std::cout << kHelp;
    return kExitOk;
  }
  auto at = parsed->get("at") ? policy::parse_rfc3339(*parsed->get("at")) : Result(Clock::now());
  if (!at) return fail(kCmd, "--at " + at.error().message);

  Findings f;
  auto config = mta::load_relay_config(ctx.etc);
  if (!config) f.error(config.error().message);
  if (auto d = mta::load_config_file<policy::DestConfig>(ctx.etc / "destconfig.toml", policy::parse_destconfig); !d) {
    f.error(d.error().message);
  }
  const fs::path routes_file = ctx.etc / "smtproutes.toml";
  if (auto r = mta::load_config_file<policy::SmtpRoutes>(routes_file, policy::parse_smtproutes); !r) {
    f.error(r.error().message);
  } else {
    check_routes_mode(f, routes_file, *r);
  }
  // Without a readable sealpost.toml, ETC/trust alone.
  check_trust(f, config ? fs::path(config->trust_directory) : ctx.trust_dir(), config ? config->system_trust : false, *at);
  if (config) {
    check_listener(f, *config, *at);
    check_spool(f, config->spool_directory);
    check_user(f, *config);
  }
  if (f.errors == 0 && f.warnings == 0) std::cout << "sealpost check: no problem found in " << ctx.etc.string() << "\n";
  return f.errors > 0 ? kExitBadInput : f.warnings > 0 ? kExitNo : kExitOk;
}

}  // namespace sealpost::cli
