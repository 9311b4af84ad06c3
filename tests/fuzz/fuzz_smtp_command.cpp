// Fuzz target: the relay's SMTP server side (mta/inbound_session.h), one session per input,
// lines split at LF. Untrusted: every byte a client sends. Invariants: no crash; every
// non-empty reply is whole lines of "NNN" + ' ' or '-' ending in CRLF; a message is handed
// out only with at least one recipient and within the size limit; STARTTLS only when offered.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mta/server/inbound_session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::mta;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool relay = size > 0 && (data[0] & 1);
  const bool starttls = size > 0 && (data[0] & 2);
  InboundSession s({.hostname = "fuzz.test", .limits = {.max_message_size = 4096, .max_recipients = 5}, .starttls = starttls},
                   {.address = "127.0.0.1", .relay_allowed = relay});
  while (!input.empty()) {
    const auto lf = input.find('\n');
    std::string_view line = input.substr(0, lf);
    input = lf == std::string_view::npos ? std::string_view() : input.substr(lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool overlong = line.size() + 2 > kMaxTextLine;
    auto step = s.on_line(overlong ? std::string_view() : line, overlong);
    std::string reply = step.reply;
    if (step.message) {
      if (step.message->recipients.empty() || step.message->content.size() > 4096 + 200) std::abort();
      reply += s.committed(std::string("0123456789ABCDEF"));
    }
    for (std::size_t pos = 0; pos < reply.size();) {
      const auto end = reply.find("\r\n", pos);
      if (end == std::string::npos || end - pos < 3) std::abort();
      for (std::size_t i = pos; i < pos + 3; ++i) {
        if (reply[i] < '0' || reply[i] > '9') std::abort();
      }
      if (end - pos > 3 && reply[pos + 3] != ' ' && reply[pos + 3] != '-') std::abort();
      pos = end + 2;
    }
    if (step.start_tls) {
      if (!starttls) std::abort();  // offered only with a certificate
      s.tls_started("TLS v1.2 FUZZ");
    }
    if (step.close) break;
  }
  return 0;
}
