// See relay_policy.h.
#include "mta/relay_policy.h"

#include "mta/config_file.h"

namespace sealpost::mta {
namespace {

namespace fs = std::filesystem;

std::string under(const fs::path& etc, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::absolute(etc) / p).lexically_normal().string();
}

}  // namespace

Result<policy::RelayConfig> load_relay_config(const fs::path& etc) {
  const fs::path file = etc / "sealpost.toml";
  auto text = read_text_file(file);
  if (!text) return text.error();
  auto config = policy::parse_relay_config(*text, file.string());
  if (!config) return config.error();
  config->spool_directory = under(etc, config->spool_directory);
  config->trust_directory = under(etc, config->trust_directory);
  config->tls_certificate = under(etc, config->tls_certificate);
  config->tls_key = under(etc, config->tls_key);
  config->log_file = under(etc, config->log_file);
  config->outcome_log = under(etc, config->outcome_log);
  return config;
}

Result<RelayPolicy> load_relay_policy(const fs::path& etc) {
  auto config = load_relay_config(etc);
  if (!config) return config.error();
  auto dests = load_config_file<policy::DestConfig>(etc / "destconfig.toml", policy::parse_destconfig);
  if (!dests) return dests.error();
  auto routes = load_config_file<policy::SmtpRoutes>(etc / "smtproutes.toml", policy::parse_smtproutes);
  if (!routes) return routes.error();
  RelayPolicy p{.config = std::move(*config), .destconfig = std::move(*dests), .routes = std::move(*routes), .trust = {}};
  if (auto s = p.trust.load_directory(p.config.trust_directory); !s) return s.error();
  if (p.config.system_trust) {
    if (auto s = p.trust.load_system_bundle(); !s) return s.error();
  }
  if (!p.config.tls_certificate.empty()) {
    auto ctx = tls::TlsServerContext::load(p.config.tls_certificate, p.config.tls_key);
    if (!ctx) return Error{"[server] tls_certificate/tls_key: " + ctx.error().message};
    p.listener_tls = std::move(*ctx);
  }
  return p;
}

fs::path control_socket_path(const policy::RelayConfig& config) {
  return fs::path(config.spool_directory) / "control.sock";
}

}  // namespace sealpost::mta
