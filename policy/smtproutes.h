// SMTP routes (after the ESA `smtproutes` command; Postfix's transport map): per destination
// key (`domain`, `.domain`, `ALL`) an ordered list of destinations `[user:pass@]host[:port]`
// tried in order, or `USEDNS` for a normal MX lookup; optional implicit TLS (RFC 8314 §3).
// Untrusted: operator files and command lines. Passwords are masked in every rendering except
// an explicit export with secrets.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"
#include "policy/route_destination.h"

namespace sealpost::policy {

inline constexpr std::size_t kMaxRouteDestinations = 32;

struct SmtpRoute {
  std::vector<RouteDestination> destinations;  // empty: USEDNS
  bool implicit_tls = false;

  bool use_dns() const { return destinations.empty(); }
  // Port 465 means implicit TLS even without the flag (RFC 8314 §7.3), so that
  // `user:pw@smtp.example.net:465` does what a router administrator expects.
  bool implicit_tls_for(const RouteDestination& d) const { return implicit_tls || d.port == kSubmissionsPort; }
  std::uint16_t port_for(const RouteDestination& d) const {
    return d.port ? *d.port : (implicit_tls ? kSubmissionsPort : kSmtpPort);
  }
  // The host names and IPs of the route: the route-host / route-ip REF-IDs (TLS-POLICY.md §9).
  std::vector<std::string> hosts() const;
};

class SmtpRoutes {
 public:
  static constexpr std::string_view kAllKey = "ALL";
  static constexpr std::string_view kUseDns = "USEDNS";

  // The route for a recipient domain, or nullptr: deliver by MX.
  const SmtpRoute* lookup(std::string_view destination) const;
  const std::map<std::string, SmtpRoute>& entries() const { return routes_; }

  Status add(std::string_view key, SmtpRoute route);  // fails if it exists
  Status remove(std::string_view key);

 private:
  std::map<std::string, SmtpRoute> routes_;
};

// "host1:25, user:***@host2:587" or "USEDNS"; with implicit TLS noted.
std::string describe(const SmtpRoute& route, RouteDestination::Secrets secrets = RouteDestination::Secrets::kMask);

// Parses the list a user types: "USEDNS" or destinations (route_destination.h).
Result<SmtpRoute> make_route(const std::vector<std::string>& destinations, bool implicit_tls);

// etc/smtproutes.toml: a table per key with `hosts = [...]` and optional `implicit-tls`.
Result<SmtpRoutes> parse_smtproutes(std::string_view text, std::string_view source);
std::string serialize_smtproutes(const SmtpRoutes& routes, RouteDestination::Secrets secrets);

}  // namespace sealpost::policy
