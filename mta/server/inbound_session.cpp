// See inbound_session.h. The replies quote RFC 5321 §4.2.2 and RFC 3463 codes.
#include "mta/server/inbound_session.h"

#include "policy/time_format.h"

#include <algorithm>
#include <cctype>

#include "mta/smtp/address.h"
#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view line, std::string_view prefix) {
  return line.size() >= prefix.size() && upper(line.substr(0, prefix.size())) == prefix;
}

}  // namespace

InboundSession::InboundSession(InboundConfig config, ClientInfo client)
    : config_(std::move(config)), client_(std::move(client)) {}

void InboundSession::tls_started(std::string description) {
  // RFC 3207 §4.2: the server forgets everything the client said before TLS.
  tls_ = std::move(description);
  reset();
  state_ = State::kGreeted;
  esmtp_ = false;
  helo_.clear();
}

std::string InboundSession::greeting() const { return "220 " + config_.hostname + " ESMTP Sealpost\r\n"; }

void InboundSession::reset() {
  envelope_ = {};
  data_too_big_ = false;
  data_line_too_long_ = false;
  if (state_ != State::kGreeted) state_ = State::kHelo;
}

InboundSession::Step InboundSession::bad(std::string reply) {
  if (++bad_commands_ >= config_.limits.max_bad_commands) {
    state_ = State::kClosed;
    return {.reply = "421 4.7.0 " + config_.hostname + " Error: too many errors\r\n", .close = true};
  }
  return {.reply = reply + "\r\n"};
}

InboundSession::Step InboundSession::on_line(std::string_view line, bool overlong) {
  if (state_ == State::kClosed) return {.close = true};
  if (state_ == State::kData) return data_line(line, overlong);
  if (overlong || line.size() + 2 > kMaxCommandLine) return bad("500 5.5.2 Error: command line too long");
  return command(line);
}

InboundSession::Step InboundSession::command(std::string_view line) {
  const std::string verb = upper(line.substr(0, line.find(' ')));
  const std::string_view arg = line.find(' ') == std::string_view::npos ? "" : line.substr(line.find(' ') + 1);
  if (verb == "EHLO" || verb == "HELO") {
    if (arg.empty()) return bad("501 5.5.4 Syntax: " + verb + " hostname");
    reset();
    state_ = State::kHelo;
    esmtp_ = verb == "EHLO";
    helo_ = policy::escape_for_display(arg.substr(0, arg.find(' ')));
    if (!esmtp_) return {.reply = "250 " + config_.hostname + "\r\n"};
    return {.reply = "250-" + config_.hostname + "\r\n250-PIPELINING\r\n250-SIZE " +
                     std::to_string(config_.limits.max_message_size) + "\r\n" +
                     (config_.starttls && tls_.empty() ? "250-STARTTLS\r\n" : "") +
                     "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n"};
  }
  if (verb == "QUIT") {
    state_ = State::kClosed;
    return {.reply = "221 2.0.0 Bye\r\n", .close = true};
  }
  if (verb == "NOOP") return {.reply = "250 2.0.0 Ok\r\n"};
  if (verb == "RSET") {
    reset();
    return {.reply = "250 2.0.0 Ok\r\n"};
  }
  if (verb == "VRFY") return {.reply = "252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery\r\n"};
  if (verb == "HELP") return {.reply = "214 2.0.0 See RFC 5321\r\n"};
  if (verb == "STARTTLS") {
    if (!tls_.empty()) return bad("554 5.5.1 Error: TLS already active");
    if (!config_.starttls) return bad("502 5.5.1 Error: STARTTLS is not offered here");
    if (!arg.empty()) return bad("501 5.5.4 Syntax: STARTTLS");
    if (state_ == State::kMail || state_ == State::kRcpt) return bad("503 5.5.1 Error: MAIL transaction in progress");
    return {.reply = "220 2.0.0 Ready to start TLS\r\n", .start_tls = true};
  }
  if (verb == "MAIL") {
    if (state_ == State::kGreeted) return bad("503 5.5.1 Error: send HELO/EHLO first");
    if (state_ != State::kHelo) return bad("503 5.5.1 Error: nested MAIL command");
    if (!starts_with_ci(line, "MAIL FROM:")) return bad("501 5.5.4 Syntax: MAIL FROM:<address>");
    std::string_view rest = line.substr(10);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    // ESMTP parameters (RFC 5321 §4.1.2): SIZE, BODY and SMTPUTF8 are known; others are
    // refused. Read first: SMTPUTF8 decides which addresses are acceptable (RFC 6531 §3.3).
    bool smtputf8 = false;
    std::string_view params = rest.find('>') == std::string_view::npos ? "" : rest.substr(rest.find('>') + 1);
    while (!params.empty()) {
      while (!params.empty() && params.front() == ' ') params.remove_prefix(1);
      if (params.empty()) break;
      const std::size_t end = std::min(params.find(' '), params.size());
      const std::string p = upper(params.substr(0, end));
      params.remove_prefix(end);
      if (p.rfind("SIZE=", 0) == 0) {
        const std::string n = p.substr(5);
        if (n.empty() || n.size() > 19 ||
            !std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
          return bad("501 5.5.4 Bad SIZE parameter");
        }
        if (std::stoull(n) > config_.limits.max_message_size) {
          return {.reply = "552 5.3.4 Message size exceeds fixed limit\r\n"};
        }
      } else if (p == "SMTPUTF8") {
        smtputf8 = true;
      } else if (p != "BODY=7BIT" && p != "BODY=8BITMIME") {
        return bad("555 5.5.4 Unsupported parameter " + policy::escape_for_display(p.substr(0, 32)));
      }
    }
    auto from = parse_path(rest, true, smtputf8);
    if (!from) return bad(from.error().message);
    envelope_ = {.from = *from, .smtputf8 = smtputf8};
    state_ = State::kMail;
    return {.reply = "250 2.1.0 Ok\r\n"};
  }
  if (verb == "RCPT") {
    if (state_ != State::kMail && state_ != State::kRcpt) return bad("503 5.5.1 Error: need MAIL command");
    if (!starts_with_ci(line, "RCPT TO:")) return bad("501 5.5.4 Syntax: RCPT TO:<address>");
    std::string_view rest = line.substr(8);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    auto to = parse_path(rest, false, envelope_.smtputf8);
    if (!to) return bad(to.error().message);
    if (!client_.relay_allowed) {
      // RFC 5321 §3.6.1: relaying is for the configured client networks only.
      return {.reply = "554 5.7.1 <" + *to + ">: Relay access denied\r\n"};
    }
    if (envelope_.recipients.size() >= config_.limits.max_recipients)
      return {.reply = "452 4.5.3 Error: too many recipients\r\n"};
    if (std::find(envelope_.recipients.begin(), envelope_.recipients.end(), *to) == envelope_.recipients.end()) {
      envelope_.recipients.push_back(*to);
    }
    state_ = State::kRcpt;
    return {.reply = "250 2.1.5 Ok\r\n"};
  }
  if (verb == "DATA") {
    if (state_ != State::kRcpt)
      return bad(state_ == State::kMail ? "554 5.5.1 Error: no valid recipients" : "503 5.5.1 Error: need RCPT command");
    if (!arg.empty()) return bad("501 5.5.4 Syntax: DATA");
    state_ = State::kData;
    // RFC 5321 §4.4 trace field; "with" per RFC 3848 (ESMTPS: ESMTP over TLS) and RFC 6531
    // §3.7.3 (UTF8SMTP, UTF8SMTPS: a transaction with SMTPUTF8).
    const std::string with = envelope_.smtputf8 ? "UTF8SMTP" : esmtp_ ? "ESMTP" : "SMTP";
    envelope_.content = "Received: from " + (helo_.empty() ? std::string("client") : helo_) + " [" + client_.address + "] by " +
                        config_.hostname + " (Sealpost) with " + with + (tls_.empty() ? "" : "S (" + tls_ + ")") + "; " +
                        policy::rfc5322_utc(config_.now()) + "\r\n";
    return {.reply = "354 End data with <CR><LF>.<CR><LF>\r\n"};
  }
  return bad("502 5.5.2 Error: command not recognized");
}

InboundSession::Step InboundSession::data_line(std::string_view line, bool overlong) {
  if (line == "." && !overlong) {
    Step step;
    if (data_too_big_) {
      step.reply = "552 5.3.4 Error: message file too big\r\n";
    } else if (data_line_too_long_) {
      step.reply = "550 5.6.0 Error: a line of the message is longer than 1000 octets (RFC 5321 §4.5.3.1.6)\r\n";
    } else {
      step.message = std::move(envelope_);
    }
    reset();  // the next transaction starts clean, whatever this one ended as
    return step;
  }
  if (overlong || line.size() + 2 > kMaxTextLine) data_line_too_long_ = true;
  if (data_too_big_ || data_line_too_long_) return {};
  // RFC 5321 §4.5.2: the client doubled every leading dot.
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);
  if (envelope_.content.size() + line.size() + 2 > config_.limits.max_message_size) {
    data_too_big_ = true;
    envelope_.content.clear();
    return {};
  }
  envelope_.content.append(line).append("\r\n");
  return {};
}

std::string InboundSession::committed(const Result<std::string>& queue_id) {
  if (!queue_id) return "451 4.3.0 Error: queue file write error\r\n";
  return "250 2.0.0 Ok: queued as " + *queue_id + "\r\n";
}

}  // namespace sealpost::mta
