// SmtpConnection (see smtp_connection.h).
#include "mta/client/smtp_connection.h"

#include "policy/domain_name.h"

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
    if (*r) {
      challenged_ = (**r).code == 334;
      if (trace_) trace_("< " + (**r).summary());
      co_return std::move(**r);
    }
  }
}

void SmtpConnection::trace_command(std::string_view line) {
  if (!trace_) return;
  std::string shown(line.substr(0, 512));
  if (challenged_) {
    shown = "***";
  } else if (shown.size() > 5 && (shown.rfind("AUTH ", 0) == 0 || shown.rfind("auth ", 0) == 0)) {
    const auto arg = shown.find(' ', 5);  // "AUTH PLAIN <credentials>": the mechanism stays
    if (arg != std::string::npos) shown = shown.substr(0, arg) + " ***";
  }
  trace_("> " + policy::escape_for_display(shown));
}

asio::awaitable<Status> SmtpConnection::write_commands(const std::vector<std::string>& lines, Clock::duration timeout) {
  std::string batch;
  for (const auto& l : lines) {
    trace_command(l);
    batch += l + "\r\n";
  }
  co_return co_await write(batch, timeout);
}

asio::awaitable<Result<Reply>> SmtpConnection::command(std::string line, Clock::duration timeout) {
  trace_command(line);
  line += "\r\n";
  if (auto w = co_await write(line, timeout); !w) co_return w.error();
  co_return co_await read_reply(timeout);
}

}  // namespace sealpost::mta
