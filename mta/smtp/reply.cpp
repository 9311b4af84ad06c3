// SMTP reply and EHLO keyword parsing (see reply.h).
#include "mta/smtp/reply.h"

#include <algorithm>
#include <cctype>

#include "mta/smtp/status_code.h"
#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first word when it is an RFC 3463 code of the reply's own class (RFC 2034 §4), as the
// server wrote it.
std::string enhanced_code(std::string_view text, int code) {
  const std::string_view word = text.substr(0, text.find(' '));
  const auto c = StatusCode::parse(word);
  return c && static_cast<int>(c->status_class) == code / 100 ? std::string(word) : std::string();
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<std::optional<Reply>> ReplyParser::feed(std::string_view line) {
  if (line.size() + 2 > kMaxReplyLineOctets) return Error{"reply line longer than 512 octets (RFC 5321 §4.5.3.1.5)"};
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) || line[0] < '2' || line[0] > '5') {
    return Error{"malformed reply line '" + policy::escape_for_display(line.substr(0, 64)) + "'"};
  }
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') {
    return Error{"malformed reply line '" + policy::escape_for_display(line.substr(0, 64)) + "'"};
  }
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!partial_.lines.empty() && code != partial_.code) {
    return Error{"reply code changed within a multi-line reply (" + std::to_string(partial_.code) + " then " +
                 std::to_string(code) + ")"};
  }
  if (partial_.lines.size() >= kMaxReplyLines) return Error{"reply longer than 100 lines"};
  partial_.code = code;
  partial_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
  if (line.size() > 3 && line[3] == '-') return std::optional<Reply>();
  Reply done = std::exchange(partial_, Reply{});
  done.enhanced = enhanced_code(done.lines.front(), done.code);
  return std::optional<Reply>(std::move(done));
}

std::string Reply::summary() const {
  std::string text = std::to_string(code);
  if (!lines.empty() && !lines.front().empty()) text += " " + lines.front();
  if (lines.size() > 1) text += " ...";
  std::string safe = policy::escape_for_display(text);
  if (safe.size() > kMaxReplyLineOctets) safe.resize(kMaxReplyLineOctets);
  return safe;
}

EhloCapabilities parse_ehlo(const Reply& reply) {
  EhloCapabilities caps;
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    const std::string line = upper(reply.lines[i]);
    const auto space = line.find(' ');
    const std::string keyword = line.substr(0, space);
    const std::string params = space == std::string::npos ? "" : line.substr(space + 1);
    if (keyword == "STARTTLS")
      caps.starttls = true;
    else if (keyword == "PIPELINING")
      caps.pipelining = true;
    else if (keyword == "8BITMIME")
      caps.eight_bit_mime = true;
    else if (keyword == "ENHANCEDSTATUSCODES")
      caps.enhanced_status_codes = true;
    else if (keyword == "SMTPUTF8")
      caps.smtputf8 = true;
    else if (keyword == "SIZE") {
      std::uint64_t n = 0;
      bool valid = !params.empty() && params.size() <= 19;
      for (char c : params) valid = valid && is_digit(c);
      if (valid) {
        for (char c : params) n = n * 10 + static_cast<std::uint64_t>(c - '0');
      }
      caps.size = valid ? n : 0;
    } else if (keyword == "AUTH") {
      std::size_t start = 0;
      while (start < params.size()) {
        auto end = params.find(' ', start);
        if (end == std::string::npos) end = params.size();
        if (end > start && caps.auth.size() < 32) caps.auth.push_back(params.substr(start, end - start));
        start = end + 1;
      }
    }
  }
  return caps;
}

std::string enhanced_or(const Reply& r, const char* fallback) { return r.enhanced.empty() ? fallback : r.enhanced; }
std::string failure_status(const Reply& r) { return enhanced_or(r, r.permanent() ? "5.0.0" : "4.0.0"); }

}  // namespace sealpost::mta
