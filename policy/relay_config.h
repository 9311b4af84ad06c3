// The daemon's own configuration, etc/sealpost.toml (DESIGN.md "Configuration"): listeners,
// relay networks, spool directory, DNS servers, the EHLO/greeting host name, trust settings,
// retry schedule and queue lifetime, limits, log files, the metrics endpoint, alerts. Every key is checked on load: an
// unknown key, a wrong type or an out-of-range value is an error naming file, line and key,
// and a file that does not validate never replaces a running configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/ip_network.h"
#include "policy/result.h"

namespace sealpost::policy {

struct Listener {
  std::string address;  // "127.0.0.1", "::1"
  std::uint16_t port = 2525;
  bool operator==(const Listener&) const = default;
};

struct RelayConfig {
  std::string hostname = "localhost";
  std::vector<Listener> listen = {{.address = "127.0.0.1", .port = 2525}};
  std::vector<IpNetwork> relay_networks;  // default: 127.0.0.0/8 and ::1/128
  std::uint64_t max_message_size = 10'240'000;
  std::uint32_t max_recipients = 1000;
  std::uint32_t max_connections = 100;
  // STARTTLS for clients (RFC 3207): the listener's chain (PEM, leaf first) and key; empty:
  // not offered.
  std::string tls_certificate;
  std::string tls_key;
  // The account sealpostd works as once its listeners are bound (mta/daemon/privileges.h):
  // empty refuses to run as root; "root" keeps root on purpose.
  std::string user;

  std::string spool_directory = "/var/spool/sealpost";
  std::vector<std::string> dns_servers;  // empty: /etc/resolv.conf
  // [dns] dnssec (DANE-MTA-STS.md §1 rule 1): "trust-ad" believes the AD bit of the servers
  // above, which the operator declares validating (on loopback or over a secure channel);
  // "off" (default) never does, and DANE is inert.
  bool dnssec_trust_ad = false;

  std::uint16_t smtp_port = 25;                                           // the port of MX hosts (tests change it)
  std::vector<std::uint32_t> retry_seconds = {60, 300, 900, 1800, 3600};  // then the last, again
  std::uint32_t lifetime_seconds = 5 * 24 * 3600;
  std::uint32_t max_deliveries = 50;  // delivery attempts in flight at once
  // MTA-STS (RFC 8461 §3.3): the HTTPS port of mta-sts.DOMAIN (tests change it), and how often
  // the background refresh looks for cached policies due a refetch (sts_cache.h).
  std::uint16_t mta_sts_port = 443;
  std::uint32_t mta_sts_refresh_seconds = 3600;
  std::uint32_t mta_sts_timeout_seconds = 60;  // for a whole policy fetch (RFC 8461 §3.3: at most a minute)

  std::string trust_directory = "trust";  // relative paths are relative to the config's directory
  bool system_trust = true;

  std::string log_file;  // empty: standard error
  std::string outcome_log = "/var/log/sealpost/tls-outcome.jsonl";
  std::string log_level = "info";  // debug, info, warning, error
  std::vector<std::string> debug;  // categories logged in detail (kDebugCategories)

  // [metrics] listen: where GET /metrics answers in the Prometheus text format; none: off.
  std::optional<Listener> metrics_listen;

  // [alerts] (mta/queue/tls_alerts.h): who is told when mandatory TLS fails, and at most how
  // often per destination. No recipients: no alerts.
  std::vector<std::string> alert_recipients;
  std::uint32_t alert_interval_seconds = 3600;
};

Result<RelayConfig> parse_relay_config(std::string_view text, std::string_view source);

// Debug categories (DESIGN.md "Configuration"): DNS queries, SMTP dialogue, TLS handshakes,
// PKI (chain and identity) decisions, queue scheduling.
inline constexpr std::string_view kDebugCategories = "dns, smtp, tls, pki, queue";
bool is_debug_category(std::string_view name);

}  // namespace sealpost::policy
