// See time_format.h. Calendar arithmetic by std::chrono (C++20), no time zone database
// needed; strftime in the C locale, since RFC 5322 day and month names are English.
#include "policy/time_format.h"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace sealpost::policy {
namespace {

std::string format(std::chrono::system_clock::time_point t, const char* pattern) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string(buf, n);
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, out);
  return ec == std::errc() && end == s.data() + pos + n;
}

}  // namespace

Result<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) {
  const Error bad{"'" + std::string(s) + "' is not an RFC 3339 time such as 2026-01-01T00:00:00Z"};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) ||
      s[16] != ':' || !digits(s, 17, 2, se)) {
    return bad;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om)) return bad;
    offset_minutes = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad;
  }
  if (pos != s.size()) return bad;
  using namespace std::chrono;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || se > 60) return bad;
  const sys_seconds t = sys_days(date) + hours(h) + minutes(mi) + seconds(std::min(se, 59)) - minutes(offset_minutes);
  return system_clock::time_point(t);
}

std::string rfc3339_utc(std::chrono::system_clock::time_point t) { return format(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string rfc5322_utc(std::chrono::system_clock::time_point t) { return format(t, "%a, %d %b %Y %H:%M:%S +0000"); }

std::optional<std::chrono::system_clock::time_point> parse_rfc3339_utc(std::string_view text) {
  const auto t = parse_rfc3339(text);
  if (!t || rfc3339_utc(*t) != text) return std::nullopt;
  return *t;
}

}  // namespace sealpost::policy
