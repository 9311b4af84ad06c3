// One TCP connection of the SMTP client (a TlsConnection): read reply lines and whole replies,
// write commands, and the STARTTLS switch (RFC 3207 §4–5) with its response-injection check —
// bytes that arrived after the 220 and before the handshake are an attack, never data
// (has_unread_input). Every operation has a deadline (RFC 5321 §4.5.3.2). Untrusted:
// everything read from the peer; a line longer than kMaxReplyLineOctets is an error, never a
// buffer that grows.
#pragma once

#include <string>

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

 private:
  boost::asio::awaitable<Result<std::string>> read_line(Clock::duration timeout);
};

}  // namespace sealpost::mta
