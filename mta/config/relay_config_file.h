// etc/sealpost.toml read from the configuration directory (DESIGN.md "Configuration"), with
// the spool, trust, certificate and log paths made absolute against that directory, once.
// Used by the daemon (start, reload) and by `sealpost queue|report`, which find the spool and
// the outcome log through it. Errors name the file, line and key (policy::parse_relay_config).
#pragma once

#include <filesystem>

#include "policy/relay_config.h"
#include "policy/result.h"

namespace sealpost::mta {

Result<policy::RelayConfig> load_relay_config(const std::filesystem::path& etc);

// Where the daemon listens for `sealpost queue|reload|status` (in the spool: only its owner
// can reach it, and one spool has one daemon).
std::filesystem::path control_socket_path(const policy::RelayConfig& config);

}  // namespace sealpost::mta
