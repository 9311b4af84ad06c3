// Parsing of `[user:password@]host[:port]` (see route_destination.h).
#include "policy/route_destination.h"

#include <charconv>

#include "policy/domain_name.h"

namespace sealpost::policy {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view s, std::string_view what) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Error{std::string(what) + " has a bad percent-escape (use %XX with two hex digits)"};
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view s, std::string_view special) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '%' || special.find(c) != std::string_view::npos || u < 0x21 || u >= 0x7f) {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::uint16_t> parse_port(std::string_view s) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || value == 0 || value > 65535) {
    return Error{"port '" + escape_for_display(s) + "' is not a number from 1 to 65535"};
  }
  return static_cast<std::uint16_t>(value);
}

// host, host:port, [ip], [ip]:port, or a bare IPv6 address.
Status parse_host_port(std::string_view hp, RouteDestination& d) {
  std::string_view host = hp;
  std::optional<std::string_view> port;
  if (hp.starts_with('[')) {
    const std::size_t close = hp.find(']');
    if (close == std::string_view::npos) return Error{"'[' without a closing ']'"};
    host = hp.substr(1, close - 1);
    const std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return Error{"unexpected text after ']'"};
      port = rest.substr(1);
    }
    if (!IpAddress::parse(host)) return Error{"'[" + escape_for_display(host) + "]' is not an IP address"};
  } else if (const std::size_t colon = hp.find(':'); colon != std::string_view::npos) {
    if (hp.find(':', colon + 1) == std::string_view::npos) {
      host = hp.substr(0, colon);
      port = hp.substr(colon + 1);
    }  // else: a bare IPv6 address, no port
  }
  if (port) {
    auto p = parse_port(*port);
    if (!p) return p.error();
    d.port = *p;
  }
  if (auto ip = IpAddress::parse(host)) {
    d.ip = ip;
    d.host = ip->to_string();
    return ok();
  }
  auto name = normalize_reference_name(host);
  if (!name) return Error{"host '" + escape_for_display(host) + "' " + name.error().message};
  d.host = std::move(*name);
  return ok();
}

}  // namespace

Result<RouteDestination> parse_route_destination(std::string_view text) {
  RouteDestination d;
  std::string_view host_port = text;
  if (const std::size_t at = text.rfind('@'); at != std::string_view::npos) {
    const std::string_view creds = text.substr(0, at);
    host_port = text.substr(at + 1);
    const std::size_t colon = creds.find(':');
    if (colon == std::string_view::npos) {
      return Error{"credentials must be user:password before the last '@'"};
    }
    auto user = percent_decode(creds.substr(0, colon), "the user name");
    if (!user) return user.error();
    auto password = percent_decode(creds.substr(colon + 1), "the password");
    if (!password) return password.error();
    if (user->empty()) return Error{"the user name is empty"};
    if (password->empty()) return Error{"the password is empty"};
    if (user->size() > kMaxCredentialOctets || password->size() > kMaxCredentialOctets) {
      return Error{"the user name or password is longer than 512 octets"};
    }
    d.credentials = Credentials{.user = std::move(*user), .password = std::move(*password)};
  }
  if (host_port.empty()) return Error{"no host"};
  if (auto s = parse_host_port(host_port, d); !s) return s.error();
  return d;
}

std::string RouteDestination::host_port() const {
  std::string out = (ip && !ip->is_v4()) ? "[" + host + "]" : host;
  if (port) out += ":" + std::to_string(*port);
  return out;
}

std::string RouteDestination::to_string(Secrets secrets) const {
  if (!credentials) return host_port();
  const std::string password = secrets == Secrets::kReveal ? percent_encode(credentials->password, "") : "***";
  return percent_encode(credentials->user, ":") + ":" + password + "@" + host_port();
}

std::string mask_password(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  const std::string_view creds = text.substr(0, at);
  const std::size_t colon = creds.find(':');
  if (colon == std::string_view::npos) return std::string(text);
  return std::string(creds.substr(0, colon)) + ":***" + std::string(text.substr(at));
}

}  // namespace sealpost::policy
