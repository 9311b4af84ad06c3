// Enhanced mail system status codes (RFC 3463 §2; RFC 2034 puts them in SMTP replies):
// class "." subject "." detail, kept apart so that code changes its class by name and never
// by editing a character. The text that goes with a code stays beside it (a reply's lines, a
// recipient's reason), never inside it. Untrusted: codes read from server replies; anything
// that is not class 2, 4 or 5 with 1–3 digit subject and detail is not a code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::mta {

enum class StatusClass : std::uint8_t { kSuccess = 2, kTransient = 4, kPermanent = 5 };

struct StatusCode {
  StatusClass status_class = StatusClass::kTransient;
  std::uint16_t subject = 0;  // RFC 3463 §2: 1–3 digits
  std::uint16_t detail = 0;   // RFC 3463 §2: 1–3 digits

  static std::optional<StatusCode> parse(std::string_view text);
  std::string to_string() const;  // "4.7.5"
  auto operator<=>(const StatusCode&) const = default;
};

// A deferral says class 4 even when the refusal behind it was class 5 (Postfix's
// soft_bounce for one recipient): `code` with class 5 made 4; anything else unchanged,
// including text that is not a code.
std::string as_transient(const std::string& code);

}  // namespace sealpost::mta
