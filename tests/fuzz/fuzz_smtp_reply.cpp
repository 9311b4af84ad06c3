// Fuzz target: SMTP replies as the client reads them (mta/smtp/reply.h) and the EHLO keywords
// taken from them. Untrusted: every byte an SMTP server sends. Invariants: no crash; a
// completed reply has a code from 200 to 599, the same on every line, at most kMaxReplyLines
// lines; its summary is printable ASCII within the line limit.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mta/smtp/reply.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sealpost::mta::ReplyParser parser;
  while (!input.empty()) {
    const auto lf = input.find('\n');
    std::string_view line = input.substr(0, lf);
    input = lf == std::string_view::npos ? std::string_view() : input.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto r = parser.feed(line);
    if (!r) {
      parser = {};
      continue;
    }
    if (!*r) continue;
    const auto& reply = **r;
    if (reply.code < 200 || reply.code > 599 || reply.lines.empty() || reply.lines.size() > sealpost::mta::kMaxReplyLines) {
      std::abort();
    }
    const std::string summary = reply.summary();
    if (summary.size() > sealpost::mta::kMaxReplyLineOctets) std::abort();
    for (char c : summary) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) std::abort();
    }
    const auto caps = sealpost::mta::parse_ehlo(reply);
    if (caps.auth.size() > 32) std::abort();
  }
  return 0;
}
