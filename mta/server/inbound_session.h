// The relay's SMTP server side, without I/O (RFC 5321 §3–4): one client line in, the reply
// out. ESMTP with PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152),
// ENHANCEDSTATUSCODES (RFC 2034) and SMTPUTF8 (RFC 6531: UTF-8 addresses and headers, only in
// a transaction whose MAIL FROM says so; mta/smtp/address.h); relaying only for clients in
// the relay networks, so never an open relay (RFC 5321 §3.6.1: 554/550 for foreign
// recipients); limits with proper replies
// — command line 512 octets (§4.5.3.1.4), text line 1000 (§4.5.3.1.6), message size (552),
// recipients (452), bad commands (421 after too many); STARTTLS (RFC 3207) when the listener
// has a certificate. The message is handed out at the end
// of DATA; 250 is said only once the caller reports it durable (committed()).
// Untrusted: every byte the client sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mta/server/line_framer.h"
#include "mta/smtp/envelope.h"
#include "policy/result.h"

namespace sealpost::mta {

struct InboundLimits {
  std::uint64_t max_message_size = 10'240'000;  // Postfix's message_size_limit
  std::size_t max_recipients = 1000;
  std::size_t max_bad_commands = 20;
};

struct InboundConfig {
  std::string hostname = "localhost";
  InboundLimits limits;
  bool starttls = false;  // the listener has a certificate (RFC 3207)
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

struct ClientInfo {
  std::string address;         // "127.0.0.1"
  bool relay_allowed = false;  // the client is in the relay networks
};

inline constexpr std::size_t kMaxCommandLine = 512;  // RFC 5321 §4.5.3.1.4, with CRLF

class InboundSession {
 public:
  InboundSession(InboundConfig config, ClientInfo client);

  std::string greeting() const;

  struct Step {
    std::string reply;                // CRLF-terminated lines; empty inside DATA
    bool close = false;               // close after sending the reply
    std::optional<Envelope> message;  // end of DATA: commit it, then call committed()
    // After "220 Ready to start TLS": the caller discards whatever the client sent after the
    // STARTTLS line (RFC 3207 §5 — pipelined commands there would be injected into the TLS
    // session), runs the handshake, then calls tls_started().
    bool start_tls = false;
  };
  // One line from the client without its CRLF. `overlong` says the line was longer than
  // kMaxTextLine and was cut; the session refuses it (or the message it was part of).
  Step on_line(std::string_view line, bool overlong = false);
  // The spool's answer for the message handed out: its queue ID, or why it is not durable.
  std::string committed(const Result<std::string>& queue_id);

  bool in_data() const { return state_ == State::kData; }
  // The handshake succeeded: "TLS v1.3 CIPHER" for the Received field; the session starts
  // over (the client must EHLO again).
  void tls_started(std::string description);

 private:
  enum class State { kGreeted, kHelo, kMail, kRcpt, kData, kClosed };
  Step command(std::string_view line);
  Step data_line(std::string_view line, bool overlong);
  Step bad(std::string reply);
  void reset();

  InboundConfig config_;
  ClientInfo client_;
  State state_ = State::kGreeted;
  bool esmtp_ = false;
  std::string helo_;  // as the client named itself, for the Received field
  std::string tls_;   // the TLS session's description; empty: in clear
  std::size_t bad_commands_ = 0;
  Envelope envelope_;
  bool data_too_big_ = false;
  bool data_line_too_long_ = false;
};

}  // namespace sealpost::mta
