// See relay_config_file.h.
#include "mta/config/relay_config_file.h"

#include "mta/config/config_file.h"

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

fs::path control_socket_path(const policy::RelayConfig& config) { return fs::path(config.spool_directory) / "control.sock"; }

}  // namespace sealpost::mta
