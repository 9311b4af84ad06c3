// See time_format.h. strftime in the C locale: RFC 5322 day and month names are English.
#include "mta/time_format.h"

#include <cstdio>
#include <ctime>

namespace sealpost::mta {
namespace {

std::string format(std::chrono::system_clock::time_point t, const char* pattern) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, pattern, &tm);
  return std::string(buf, n);
}

}  // namespace

std::string rfc3339_utc(std::chrono::system_clock::time_point t) { return format(t, "%Y-%m-%dT%H:%M:%SZ"); }
std::string rfc5322_utc(std::chrono::system_clock::time_point t) { return format(t, "%a, %d %b %Y %H:%M:%S +0000"); }

std::optional<std::chrono::system_clock::time_point> parse_rfc3339_utc(const std::string& text) {
  std::tm tm{};
  char z = 0;
  if (text.size() != 20 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                       &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 || z != 'Z') {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace sealpost::mta
