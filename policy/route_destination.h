// One destination of an SMTP route, or of `sealpost send --route`: `[user:password@]host[:port]`,
// the router-style string of the source documents, e.g.
// `user@example.com:p@ss:word@smtp.example.net:587`. The host starts after the LAST '@'; the
// user ends at the FIRST ':' of the credentials; `%XX` escapes are decoded in user and
// password. Untrusted: operator input on the command line and in smtproutes files.
// Passwords are never printed: to_string() masks them unless asked to reveal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/ip_address.h"
#include "policy/result.h"

namespace sealpost::policy {

inline constexpr std::uint16_t kSmtpPort = 25;            // RFC 5321 §4.5.4.2
inline constexpr std::uint16_t kSubmissionPort = 587;     // RFC 6409 §3.1
inline constexpr std::uint16_t kSubmissionsPort = 465;    // RFC 8314 §7.3, implicit TLS
inline constexpr std::size_t kMaxCredentialOctets = 512;  // per user name or password

struct Credentials {
  std::string user;
  std::string password;
};

struct RouteDestination {
  std::string host;                   // normalized name, or canonical IP
  std::optional<IpAddress> ip;        // set when the host is an IP address
  std::optional<std::uint16_t> port;  // absent: the default for the route
  std::optional<Credentials> credentials;

  enum class Secrets { kMask, kReveal };
  // `user@example.com:***@smtp.example.net:587`; with kReveal the parseable original form.
  std::string to_string(Secrets secrets = Secrets::kMask) const;
  std::string host_port() const;  // "smtp.example.net:587", "[2001:db8::1]:25"
};

Result<RouteDestination> parse_route_destination(std::string_view text);

// The same string with its password replaced by ***, for messages about text that did not
// parse. Never returns the password.
std::string mask_password(std::string_view text);

}  // namespace sealpost::policy
