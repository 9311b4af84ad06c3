// See status_code.h.
#include "mta/smtp/status_code.h"

#include <charconv>

namespace sealpost::mta {
namespace {

// 1–3 digits (RFC 3463 §2: "subject ::= 1*3digit", "detail ::= 1*3digit").
std::optional<std::uint16_t> number(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  std::uint16_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<StatusCode> StatusCode::parse(std::string_view text) {
  if (text.size() < 5 || text[1] != '.') return std::nullopt;
  StatusCode c;
  switch (text[0]) {
    case '2': c.status_class = StatusClass::kSuccess; break;
    case '4': c.status_class = StatusClass::kTransient; break;
    case '5': c.status_class = StatusClass::kPermanent; break;
    default: return std::nullopt;
  }
  const std::string_view rest = text.substr(2);
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto subject = number(rest.substr(0, dot));
  const auto detail = number(rest.substr(dot + 1));
  if (!subject || !detail) return std::nullopt;
  c.subject = *subject;
  c.detail = *detail;
  return c;
}

std::string StatusCode::to_string() const {
  return std::to_string(static_cast<int>(status_class)) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::string as_transient(const std::string& code) {
  const auto c = StatusCode::parse(code);
  if (!c || c->status_class != StatusClass::kPermanent) return code;
  // Subject and detail as the server wrote them (leading zeros included), only the class new.
  return std::to_string(static_cast<int>(StatusClass::kTransient)) + code.substr(1);
}

}  // namespace sealpost::mta
