// SmtpConnection (see smtp_connection.h).
#include "mta/client/smtp_connection.h"

namespace sealpost::mta {

namespace asio = boost::asio;
using Clock = SmtpConnection::Clock;

asio::awaitable<Result<std::string>> SmtpConnection::read_line(Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string& in = input();
  for (;;) {
    if (const auto lf = in.find('\n'); lf != std::string::npos) {
      if (lf + 1 > kMaxReplyLineOctets) co_return Error{"reply line longer than 512 octets (RFC 5321 §4.5.3.1.5)"};
      std::string line = in.substr(0, lf);
      in.erase(0, lf + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      co_return line;
    }
    if (in.size() >= kMaxReplyLineOctets) co_return Error{"reply line longer than 512 octets (RFC 5321 §4.5.3.1.5)"};
    const auto left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
      close();
      co_return Error{"timed out while reading"};
    }
    auto more = co_await read_more(left);
    if (!more) co_return more.error();
    if (!*more && in.find('\n') == std::string::npos) {
      co_return Error{tls_closed() ? "TLS session closed by the server" : "connection closed by the server while reading"};
    }
  }
}

asio::awaitable<Result<Reply>> SmtpConnection::read_reply(Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  ReplyParser parser;
  for (;;) {
    auto line = co_await read_line(deadline - Clock::now());
    if (!line) co_return line.error();
    auto r = parser.feed(*line);
    if (!r) co_return r.error();
    if (*r) co_return std::move(**r);
  }
}

asio::awaitable<Result<Reply>> SmtpConnection::command(std::string line, Clock::duration timeout) {
  line += "\r\n";
  if (auto w = co_await write(line, timeout); !w) co_return w.error();
  co_return co_await read_reply(timeout);
}

}  // namespace sealpost::mta
