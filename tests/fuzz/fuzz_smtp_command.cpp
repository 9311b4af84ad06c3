// Fuzz target: the relay's SMTP server side as the listener runs it — the real framing
// (mta/server/line_framer.h) over reads of fuzzer-chosen sizes, then the session
// (mta/server/inbound_session.h). Untrusted: every byte a client sends. Invariants: no crash;
// no line over the limit reaches the session unmarked; every non-empty reply is whole lines
// of "NNN" + ' ' or '-' ending in CRLF; a message is handed out only with at least one
// recipient and within the size limit; STARTTLS only when offered, and nothing sent after it
// in clear survives the handshake.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mta/server/inbound_session.h"
#include "mta/server/line_framer.h"

namespace {

using namespace sealpost::mta;

void check_reply(const std::string& reply) {
  for (std::size_t pos = 0; pos < reply.size();) {
    const auto end = reply.find("\r\n", pos);
    if (end == std::string::npos || end - pos < 3) std::abort();
    for (std::size_t i = pos; i < pos + 3; ++i) {
      if (reply[i] < '0' || reply[i] > '9') std::abort();
    }
    if (end - pos > 3 && reply[pos + 3] != ' ' && reply[pos + 3] != '-') std::abort();
    pos = end + 2;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool relay = data[0] & 1;
  const bool starttls = data[0] & 2;
  const std::size_t read_size = 1 + data[1];  // reads of 1–256 octets split lines anywhere
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  InboundSession s({.hostname = "fuzz.test", .limits = {.max_message_size = 4096, .max_recipients = 5}, .starttls = starttls},
                   {.address = "127.0.0.1", .relay_allowed = relay});
  LineFramer framer;
  while (!input.empty()) {
    framer.append(input.substr(0, read_size));
    input.remove_prefix(std::min(read_size, input.size()));
    bool close = false, start_tls = false;
    while (!close && !start_tls) {
      const auto line = framer.next();
      if (!line) break;
      if (!line->overlong && line->text.size() + 2 > kMaxTextLine) std::abort();
      auto step = s.on_line(line->overlong ? std::string_view() : line->text, line->overlong);
      std::string reply = step.reply;
      if (step.message) {
        if (step.message->recipients.empty() || step.message->content.size() > 4096 + 200) std::abort();
        reply += s.committed(std::string("0123456789ABCDEF"));
      }
      check_reply(reply);
      close = step.close;
      start_tls = step.start_tls;
    }
    if (close) break;
    if (start_tls) {
      if (!starttls) std::abort();  // offered only with a certificate
      framer.discard();
      if (framer.next()) std::abort();  // RFC 3207 §5: nothing pipelined in clear survives
      s.tls_started("TLS v1.2 FUZZ");
    }
  }
  return 0;
}
