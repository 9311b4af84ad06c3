// The configuration set the daemon runs with (DESIGN.md "Configuration"): sealpost.toml,
// destconfig.toml, smtproutes.toml, the trustpoints and the listener's certificate, loaded
// whole at start and again on reload. A reload swaps the whole set at once or, when any file
// does not validate, keeps the running one (the error names file, line and key).
#pragma once

#include <filesystem>
#include <memory>

#include "mta/config/relay_config_file.h"
#include "policy/destconfig.h"
#include "policy/smtproutes.h"
#include "tls/tls_server_channel.h"
#include "tls/trust_store.h"

namespace sealpost::mta {

struct ConfigSet {
  policy::RelayConfig config;
  policy::DestConfig destconfig;
  policy::SmtpRoutes routes;
  tls::TrustStore trust;
  std::shared_ptr<tls::TlsServerContext> listener_tls;  // STARTTLS for clients; null: not offered
};

Result<ConfigSet> load_config_set(const std::filesystem::path& etc);

}  // namespace sealpost::mta
