// See relay_config.h.
#include "policy/relay_config.h"

#include <algorithm>

#include "policy/domain_name.h"
#include "policy/toml_reader.h"

namespace sealpost::policy {
namespace {

using toml_reader::at;

template <class T>
Result<T> get(std::string_view source, const toml::table& t, std::string_view section, std::string_view key, T fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = n->value<std::string>()) return *v;
    return Error{at(source, *n) + "[" + std::string(section) + "] " + std::string(key) + " must be a string"};
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto v = n->value<bool>()) return *v;
    return Error{at(source, *n) + "[" + std::string(section) + "] " + std::string(key) + " must be true or false"};
  } else {
    static_assert(std::is_same_v<T, bool>, "get<T> reads strings and booleans; numbers go through number()");
  }
}

Result<std::uint64_t> number(std::string_view source, const toml::table& t, std::string_view section, std::string_view key,
                             std::uint64_t fallback, std::uint64_t min, std::uint64_t max) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  const auto v = n->value<std::int64_t>();
  if (!v || *v < 0 || static_cast<std::uint64_t>(*v) < min || static_cast<std::uint64_t>(*v) > max) {
    return Error{at(source, *n) + "[" + std::string(section) + "] " + std::string(key) + " must be a whole number from " +
                 std::to_string(min) + " to " + std::to_string(max)};
  }
  return static_cast<std::uint64_t>(*v);
}

Result<std::vector<std::string>> strings(std::string_view source, const toml::table& t, std::string_view section,
                                         std::string_view key) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) return Error{at(source, *n) + "[" + std::string(section) + "] " + std::string(key) + " must be a list of strings"};
  for (const auto& e : *a) {
    auto v = e.value<std::string>();
    if (!v) return Error{at(source, e) + "[" + std::string(section) + "] " + std::string(key) + " must be a list of strings"};
    out.push_back(*v);
  }
  return out;
}

Result<Listener> parse_listener(const std::string& text) {
  // "IP:PORT" or "[IPv6]:PORT"
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string::npos) return Error{"'" + escape_for_display(text) + "' must be IP:PORT or [IPv6]:PORT"};
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) return Error{"'" + escape_for_display(text) + "' must be IP:PORT or [IPv6]:PORT"};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const auto ip = IpAddress::parse(host);
  if (!ip || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) == 0 || std::stoul(port) > 65535) {
    return Error{"'" + escape_for_display(text) + "' must be IP:PORT or [IPv6]:PORT"};
  }
  return Listener{.address = ip->to_string(), .port = static_cast<std::uint16_t>(std::stoul(port))};
}

}  // namespace

Result<RelayConfig> parse_relay_config(std::string_view text, std::string_view source) {
  auto doc = toml_reader::parse(text, source);
  if (!doc) return doc.error();
  RelayConfig c;
  static const toml::table empty;
  const auto section = [&](std::string_view name) -> Result<const toml::table*> {
    const toml::node* n = doc->get(name);
    if (!n) return &empty;
    if (!n->as_table()) return Error{at(source, *n) + "'" + std::string(name) + "' must be a table: [" + std::string(name) + "]"};
    return n->as_table();
  };
  for (const auto& [key, node] : toml_reader::in_file_order(*doc)) {
    if (key != "server" && key != "spool" && key != "dns" && key != "delivery" && key != "trust" && key != "log" &&
        key != "metrics" && key != "alerts") {
      return Error{at(source, *node) + "unknown section '" + escape_for_display(key) +
                   "' (server, spool, dns, delivery, trust, log, metrics, alerts)"};
    }
  }
#define SEALPOST_TRY(var, expr) \
  auto var = (expr);            \
  if (!var) return var.error();

  SEALPOST_TRY(server, section("server"));
  if (auto s = toml_reader::check_keys(source, **server, "[server]",
                                       {"hostname", "listen", "relay_networks", "max_message_size", "max_recipients",
                                        "max_connections", "tls_certificate", "tls_key", "user"});
      !s) {
    return s.error();
  }
  SEALPOST_TRY(hostname, get<std::string>(source, **server, "server", "hostname", c.hostname));
  auto host = normalize_reference_name(*hostname);
  if (!host)
    return Error{std::string(source) + ": [server] hostname '" + escape_for_display(*hostname) + "': " + host.error().message};
  c.hostname = *host;
  SEALPOST_TRY(listen, strings(source, **server, "server", "listen"));
  if ((*server)->get("listen")) {
    if (listen->empty()) return Error{std::string(source) + ": [server] listen must name at least one IP:PORT"};
    c.listen.clear();
    for (const auto& l : *listen) {
      auto parsed = parse_listener(l);
      if (!parsed) return Error{std::string(source) + ": [server] listen: " + parsed.error().message};
      c.listen.push_back(*parsed);
    }
  }
  SEALPOST_TRY(nets, strings(source, **server, "server", "relay_networks"));
  if (!(*server)->get("relay_networks")) *nets = {"127.0.0.0/8", "::1/128"};
  for (const auto& n : *nets) {
    auto net = IpNetwork::parse(n);
    if (!net) return Error{std::string(source) + ": [server] relay_networks: " + net.error().message};
    c.relay_networks.push_back(*net);
  }
  SEALPOST_TRY(size, number(source, **server, "server", "max_message_size", c.max_message_size, 1024, 1ull << 30));
  c.max_message_size = *size;
  SEALPOST_TRY(rcpts, number(source, **server, "server", "max_recipients", c.max_recipients, 1, 100000));
  c.max_recipients = static_cast<std::uint32_t>(*rcpts);
  SEALPOST_TRY(conns, number(source, **server, "server", "max_connections", c.max_connections, 1, 100000));
  c.max_connections = static_cast<std::uint32_t>(*conns);
  SEALPOST_TRY(cert, get<std::string>(source, **server, "server", "tls_certificate", c.tls_certificate));
  c.tls_certificate = *cert;
  SEALPOST_TRY(key, get<std::string>(source, **server, "server", "tls_key", c.tls_key));
  c.tls_key = *key;
  SEALPOST_TRY(user, get<std::string>(source, **server, "server", "user", c.user));
  // A POSIX portable user name (the characters useradd accepts), so a typo is told apart
  // from a missing account and nothing odd reaches getpwnam or a log line.
  if (user->size() > 32 ||
      user->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != std::string::npos ||
      (!user->empty() && (*user)[0] == '-')) {
    return Error{std::string(source) + ": [server] user '" + escape_for_display(*user) +
                 "' is not a user name (letters, digits, '.', '_', '-'; at most 32)"};
  }
  c.user = *user;
  if (c.tls_certificate.empty() != c.tls_key.empty()) {
    return Error{std::string(source) + ": [server] tls_certificate and tls_key go together (STARTTLS needs both)"};
  }

  SEALPOST_TRY(spool, section("spool"));
  if (auto s = toml_reader::check_keys(source, **spool, "[spool]", {"directory"}); !s) return s.error();
  SEALPOST_TRY(spool_dir, get<std::string>(source, **spool, "spool", "directory", c.spool_directory));
  if (spool_dir->empty()) return Error{std::string(source) + ": [spool] directory must not be empty"};
  c.spool_directory = *spool_dir;

  SEALPOST_TRY(dns, section("dns"));
  if (auto s = toml_reader::check_keys(source, **dns, "[dns]", {"servers", "dnssec"}); !s) return s.error();
  SEALPOST_TRY(servers, strings(source, **dns, "dns", "servers"));
  c.dns_servers = *servers;
  SEALPOST_TRY(dnssec, get<std::string>(source, **dns, "dns", "dnssec", "off"));
  if (*dnssec != "off" && *dnssec != "trust-ad") {
    return Error{std::string(source) + ": [dns] dnssec must be \"off\" or \"trust-ad\", not \"" + escape_for_display(*dnssec) +
                 "\""};
  }
  c.dnssec_trust_ad = *dnssec == "trust-ad";

  SEALPOST_TRY(delivery, section("delivery"));
  if (auto s = toml_reader::check_keys(source, **delivery, "[delivery]",
                                       {"smtp_port", "retry_seconds", "lifetime_seconds", "max_deliveries", "mta_sts_port",
                                        "mta_sts_refresh_seconds", "mta_sts_timeout_seconds"});
      !s) {
    return s.error();
  }
  SEALPOST_TRY(port, number(source, **delivery, "delivery", "smtp_port", c.smtp_port, 1, 65535));
  c.smtp_port = static_cast<std::uint16_t>(*port);
  SEALPOST_TRY(sts_port, number(source, **delivery, "delivery", "mta_sts_port", c.mta_sts_port, 1, 65535));
  c.mta_sts_port = static_cast<std::uint16_t>(*sts_port);
  SEALPOST_TRY(sts_refresh,
               number(source, **delivery, "delivery", "mta_sts_refresh_seconds", c.mta_sts_refresh_seconds, 1, 24 * 3600));
  c.mta_sts_refresh_seconds = static_cast<std::uint32_t>(*sts_refresh);
  SEALPOST_TRY(sts_timeout, number(source, **delivery, "delivery", "mta_sts_timeout_seconds", c.mta_sts_timeout_seconds, 1, 60));
  c.mta_sts_timeout_seconds = static_cast<std::uint32_t>(*sts_timeout);
  if (const toml::node* r = (*delivery)->get("retry_seconds")) {
    const toml::array* a = r->as_array();
    if (!a || a->empty()) return Error{at(source, *r) + "[delivery] retry_seconds must be a list of seconds"};
    c.retry_seconds.clear();
    for (const auto& e : *a) {
      const auto v = e.value<std::int64_t>();
      if (!v || *v < 1 || *v > 7 * 24 * 3600) return Error{at(source, e) + "[delivery] retry_seconds: each must be 1 to 604800"};
      c.retry_seconds.push_back(static_cast<std::uint32_t>(*v));
    }
  }
  SEALPOST_TRY(life, number(source, **delivery, "delivery", "lifetime_seconds", c.lifetime_seconds, 1, 30u * 24 * 3600));
  c.lifetime_seconds = static_cast<std::uint32_t>(*life);
  SEALPOST_TRY(inflight, number(source, **delivery, "delivery", "max_deliveries", c.max_deliveries, 1, 10000));
  c.max_deliveries = static_cast<std::uint32_t>(*inflight);

  SEALPOST_TRY(trust, section("trust"));
  if (auto s = toml_reader::check_keys(source, **trust, "[trust]", {"directory", "system_bundle"}); !s) return s.error();
  SEALPOST_TRY(trust_dir, get<std::string>(source, **trust, "trust", "directory", c.trust_directory));
  c.trust_directory = *trust_dir;
  SEALPOST_TRY(system, get<bool>(source, **trust, "trust", "system_bundle", c.system_trust));
  c.system_trust = *system;

  SEALPOST_TRY(log, section("log"));
  if (auto s = toml_reader::check_keys(source, **log, "[log]", {"file", "outcome_file", "level", "debug"}); !s) return s.error();
  SEALPOST_TRY(file, get<std::string>(source, **log, "log", "file", c.log_file));
  c.log_file = *file;
  SEALPOST_TRY(outcome, get<std::string>(source, **log, "log", "outcome_file", c.outcome_log));
  c.outcome_log = *outcome;
  SEALPOST_TRY(level, get<std::string>(source, **log, "log", "level", c.log_level));
  if (*level != "debug" && *level != "info" && *level != "warning" && *level != "error") {
    return Error{std::string(source) + ": [log] level must be debug, info, warning or error"};
  }
  c.log_level = *level;
  SEALPOST_TRY(debug, strings(source, **log, "log", "debug"));
  for (const auto& d : *debug) {
    if (!is_debug_category(d)) {
      return Error{std::string(source) + ": [log] debug: '" + escape_for_display(d) + "' is not one of " +
                   std::string(kDebugCategories)};
    }
  }
  c.debug = *debug;

  SEALPOST_TRY(metrics, section("metrics"));
  if (auto s = toml_reader::check_keys(source, **metrics, "[metrics]", {"listen"}); !s) return s.error();
  SEALPOST_TRY(metrics_listen, get<std::string>(source, **metrics, "metrics", "listen", ""));
  if (!metrics_listen->empty()) {
    auto parsed = parse_listener(*metrics_listen);
    if (!parsed) return Error{std::string(source) + ": [metrics] listen: " + parsed.error().message};
    c.metrics_listen = *parsed;
  }

  SEALPOST_TRY(alerts, section("alerts"));
  if (auto s = toml_reader::check_keys(source, **alerts, "[alerts]", {"recipients", "interval_seconds"}); !s) return s.error();
  SEALPOST_TRY(alert_to, strings(source, **alerts, "alerts", "recipients"));
  for (const auto& a : *alert_to) {
    // A plain ASCII mailbox (the alert is a 7-bit message with these in To:).
    const auto at = a.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == a.size() || a.size() > 254 ||
        std::any_of(a.begin(), a.end(), [](char ch) { return ch <= ' ' || ch >= 0x7f || ch == '<' || ch == '>' || ch == ','; })) {
      return Error{std::string(source) + ": [alerts] recipients: '" + escape_for_display(a) +
                   "' is not an address (local@domain)"};
    }
  }
  c.alert_recipients = *alert_to;
  SEALPOST_TRY(alert_every, number(source, **alerts, "alerts", "interval_seconds", c.alert_interval_seconds, 60, 7u * 24 * 3600));
  c.alert_interval_seconds = static_cast<std::uint32_t>(*alert_every);
#undef SEALPOST_TRY
  return c;
}

bool is_debug_category(std::string_view name) {
  return name == "dns" || name == "smtp" || name == "tls" || name == "pki" || name == "queue";
}

}  // namespace sealpost::policy
