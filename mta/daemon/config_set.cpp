// See config_set.h.
#include "mta/daemon/config_set.h"

#include "mta/config/config_file.h"

namespace sealpost::mta {

Result<ConfigSet> load_config_set(const std::filesystem::path& etc) {
  auto config = load_relay_config(etc);
  if (!config) return config.error();
  auto dests = load_config_file<policy::DestConfig>(etc / "destconfig.toml", policy::parse_destconfig);
  if (!dests) return dests.error();
  auto routes = load_config_file<policy::SmtpRoutes>(etc / "smtproutes.toml", policy::parse_smtproutes);
  if (!routes) return routes.error();
  ConfigSet p{.config = std::move(*config), .destconfig = std::move(*dests), .routes = std::move(*routes), .trust = {}};
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

}  // namespace sealpost::mta
