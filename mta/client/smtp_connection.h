// One TCP connection of the SMTP client (a TlsConnection): read reply lines and whole replies,
// write commands, and the STARTTLS switch (RFC 3207 §4–5) with its response-injection check —
// bytes that arrived after the 220 and before the handshake are an attack, never data
// (has_unread_input). Every operation has a deadline (RFC 5321 §4.5.3.2). Untrusted:
// everything read from the peer; a line longer than kMaxReplyLineOctets is an error, never a
// buffer that grows.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mta/client/tls_connection.h"
#include "mta/smtp/reply.h"

namespace sealpost::mta {

class SmtpConnection : public TlsConnection {
 public:
  using TlsConnection::TlsConnection;

  // Reads one whole (possibly multi-line) reply.
  boost::asio::awaitable<Result<Reply>> read_reply(Clock::duration timeout);
  // One command line (CRLF added) and its reply, each within `timeout`.
  boost::asio::awaitable<Result<Reply>> command(std::string line, Clock::duration timeout);
  // Pipelined commands (RFC 2920) in one write, CRLF added to each; the replies are read after.
  boost::asio::awaitable<Status> write_commands(const std::vector<std::string>& lines, Clock::duration timeout);

  // The dialogue, for `debug smtp`: each command ("> …") and reply ("< …") as it passes, with
  // credentials masked (AUTH's argument, and whatever answers a 334 challenge).
  using Trace = std::function<void(const std::string&)>;
  void trace_to(Trace trace) { trace_ = std::move(trace); }
  void trace_command(std::string_view line);

 private:
  Trace trace_;
  bool challenged_ = false;  // the last reply was 334: the next line is a credential
  boost::asio::awaitable<Result<std::string>> read_line(Clock::duration timeout);
};

}  // namespace sealpost::mta
