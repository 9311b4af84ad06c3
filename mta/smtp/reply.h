// SMTP replies as the client reads them (RFC 5321 §4.2): a three-digit code, '-' on every
// line but the last of a multi-line reply, the same code on every line, and optionally an
// enhanced status code (RFC 3463 §2, RFC 2034 §4) at the start of the text. Also the EHLO
// keywords the client acts on (RFC 5321 §4.1.1.1, RFC 3207, RFC 4954, RFC 1870, RFC 6152,
// RFC 2920). Untrusted: every byte comes from the server. Limits: 512 octets per reply line
// (RFC 5321 §4.5.3.1.5) and kMaxReplyLines lines per reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/result.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxReplyLineOctets = 512;  // including CRLF
inline constexpr std::size_t kMaxReplyLines = 100;

struct Reply {
  int code = 0;
  std::string enhanced;            // "2.0.0", or empty when the server sent none
  std::vector<std::string> lines;  // text after "NNN-" / "NNN ", one per line

  bool positive() const { return code >= 200 && code < 300; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500; }
  // "250 2.0.0 Ok: queued as X" (the first line; "..." marks that more followed), made safe
  // to log: control bytes escaped, at most kMaxReplyLineOctets.
  std::string summary() const;
};

// The reply's enhanced code, or `fallback` when the server sent none.
std::string enhanced_or(const Reply& reply, const char* fallback);
// A refusal's code: its own, or its class alone (5.0.0 for 5xx, 4.0.0 otherwise).
std::string failure_status(const Reply& reply);

// Feeds one line at a time (CRLF removed). Returns the reply once its last line arrived.
class ReplyParser {
 public:
  Result<std::optional<Reply>> feed(std::string_view line);

 private:
  Reply partial_;
};

struct EhloCapabilities {
  bool starttls = false;
  bool pipelining = false;
  bool eight_bit_mime = false;
  bool enhanced_status_codes = false;
  bool smtputf8 = false;
  std::optional<std::uint64_t> size;  // SIZE limit; 0 means "no fixed limit" (RFC 1870 §4)
  std::vector<std::string> auth;      // mechanisms, upper case
};

// The keywords of an EHLO 250 reply (its first line is the greeting, not a keyword).
EhloCapabilities parse_ehlo(const Reply& reply);

}  // namespace sealpost::mta
