// Everything the relay reads from its configuration directory (DESIGN.md "Configuration"):
// sealpost.toml, destconfig.toml, smtproutes.toml and the trustpoints. Loaded whole at start
// and again on reload; a reload swaps the whole set at once or, when any file does not
// validate, keeps the running one (the error names file, line and key). Relative paths in
// sealpost.toml are resolved against the configuration directory here, once.
#pragma once

#include <filesystem>
#include <memory>

#include "policy/destconfig.h"
#include "policy/relay_config.h"
#include "policy/smtproutes.h"
#include "tls/tls_server_channel.h"
#include "tls/trust_store.h"

namespace sealpost::mta {

struct RelayPolicy {
  policy::RelayConfig config;
  policy::DestConfig destconfig;
  policy::SmtpRoutes routes;
  tls::TrustStore trust;
  std::shared_ptr<tls::TlsServerContext> listener_tls;  // STARTTLS for clients; null: not offered
};

// etc/sealpost.toml alone, with spool, trust and log paths made absolute.
Result<policy::RelayConfig> load_relay_config(const std::filesystem::path& etc);
Result<RelayPolicy> load_relay_policy(const std::filesystem::path& etc);

// Where the daemon listens for `sealpost queue|reload|status` (in the spool: only its owner
// can reach it, and one spool has one daemon).
std::filesystem::path control_socket_path(const policy::RelayConfig& config);

}  // namespace sealpost::mta
