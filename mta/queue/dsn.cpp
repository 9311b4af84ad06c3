// See dsn.h. Field names and order from RFC 3464 §2.2 (per-message) and §2.3 (per-recipient).
#include "mta/queue/dsn.h"

#include <algorithm>
#include <random>

#include "mta/smtp/address.h"
#include "policy/time_format.h"
#include "policy/utf8.h"

namespace sealpost::mta {
namespace {

constexpr std::size_t kFoldAt = 76;  // RFC 5322 §2.1.1: SHOULD be no more than 78

// Printable US-ASCII only (RFC 3464 §2.1: the fields are 7-bit text); the rest becomes '?'.
// `utf8`: an RFC 6533 DSN, whose fields may carry UTF-8 (RFC 6532 §3.2), kept when well formed.
std::string seven_bit(std::string_view text, bool utf8 = false) {
  const bool keep_utf8 = utf8 && policy::is_valid_utf8(text);
  std::string out;
  for (char c : text) out += ((keep_utf8 && static_cast<unsigned char>(c) >= 0x80) || (c >= 0x20 && c < 0x7f)) ? c : '?';
  return out;
}

// "Name: value", folded at spaces so no line passes kFoldAt where it can be helped.
std::string field(std::string_view name, std::string_view value, bool utf8 = false) {
  std::string out(name);
  out += ":";
  std::size_t line = out.size();
  std::size_t pos = 0;
  const std::string v = seven_bit(value, utf8);
  while (pos < v.size()) {
    std::size_t end = v.find(' ', pos);
    if (end == std::string::npos) end = v.size();
    std::string word = v.substr(pos, end - pos);
    while (word.size() > 900) {  // a single word longer than any line: cut (RFC 5322 §2.1.1, 998)
      out += "\r\n " + word.substr(0, 900);
      word.erase(0, 900);
      line = 901;
    }
    if (line + 1 + word.size() > kFoldAt && line > name.size() + 1) {
      out += "\r\n ";
      line = 1;
    } else {
      out += " ";
      ++line;
    }
    out += word;
    line += word.size();
    pos = end + 1;
  }
  return out + "\r\n";
}

std::string header_block(const std::string& content, bool utf8) {
  std::size_t end = content.find("\r\n\r\n");
  end = end == std::string::npos ? content.size() : end + 2;
  std::string headers = content.substr(0, std::min(end, kMaxReturnedHeaders));
  if (headers.size() == kMaxReturnedHeaders) headers.erase(headers.rfind("\r\n") + 2);
  // 8-bit header octets (RFC 6532) would make a classic DSN 8-bit; 7-bit keeps every path
  // open. An RFC 6533 DSN returns them as they are (message/global-headers).
  if (utf8 && policy::is_valid_utf8(headers)) return headers;
  std::string out;
  for (char c : headers) out += (static_cast<unsigned char>(c) < 0x80) ? c : '?';
  return out;
}

std::string boundary(const std::string& queue_id) {
  static std::random_device rd;
  return queue_id + "." + std::to_string(rd()) + "/sealpost";
}

// RFC 6533: a DSN for an SMTPUTF8 message that has UTF-8 to report (a local part, a header) is
// internationalized: message/global-delivery-status with "utf-8" address types, the headers
// as message/global-headers, and it is itself sent with SMTPUTF8. Otherwise a classic 7-bit
// DSN, with A-labels for U-label domains, which every server takes.
// The test is needs_smtputf8's, asked of the report's parts (without copying the message).
bool internationalized(const DsnInput& in) {
  return in.smtputf8 && (has_utf8_local_part(in.sender) ||
                         std::any_of(in.recipients.begin(), in.recipients.end(),
                                     [](const DsnRecipient& r) { return has_utf8_local_part(r.address); }) ||
                         has_utf8_header(in.original_content));
}

}  // namespace

std::optional<Envelope> make_dsn(const DsnInput& in) {
  if (in.sender.empty() || in.recipients.empty()) return std::nullopt;
  const std::string b = boundary(in.queue_id);
  const bool u = internationalized(in);
  const auto address = [u](const std::string& a) { return u ? a : ascii_address(a); };
  bool expired = false;
  for (const auto& r : in.recipients) expired = expired || r.expired;

  std::string m;
  m += field("From", "MAILER-DAEMON@" + in.reporting_mta + " (Mail Delivery System)");
  m += field("To", "<" + address(in.sender) + ">", u);
  m += field("Subject",
             expired ? "Undelivered Mail Returned to Sender (expired in the queue)" : "Undelivered Mail Returned to Sender");
  m += field("Date", policy::rfc5322_utc(in.now));
  m += field("Message-ID",
             "<" + in.queue_id + "." + std::to_string(in.now.time_since_epoch().count()) + "@" + in.reporting_mta + ">");
  m += field("Auto-Submitted", "auto-replied");  // RFC 3834 §5
  m += "MIME-Version: 1.0\r\n";
  m += std::string("Content-Type: multipart/report; report-type=") + (u ? "global-delivery-status" : "delivery-status") +
       ";\r\n\tboundary=\"" + b + "\"\r\n\r\n";
  m += "This is a MIME-encapsulated message.\r\n\r\n--" + b + "\r\n";
  m += std::string("Content-Type: text/plain; charset=") + (u ? "utf-8" : "us-ascii") +
       "\r\nContent-Description: Notification\r\n\r\n";
  m += "This is the mail system at host " + in.reporting_mta + ".\r\n\r\n";
  m += "Your message (queue ID " + in.queue_id + ") could not be delivered to one or more recipients.\r\n";
  m += "It is attached below. For further assistance, send mail to postmaster.\r\n\r\n";
  for (const auto& r : in.recipients) {
    m += field("<" + seven_bit(address(r.address), u) + ">", (r.expired ? "expired in the queue: " : "") + r.diagnostic);
  }
  m += "\r\n--" + b + "\r\n";
  m += std::string("Content-Type: message/") + (u ? "global-delivery-status" : "delivery-status") +
       "\r\nContent-Description: Delivery report\r\n\r\n";
  m += field("Reporting-MTA", "dns; " + in.reporting_mta);
  m += field("X-Sealpost-Queue-ID", in.queue_id);
  m += field("Arrival-Date", policy::rfc5322_utc(in.arrival));
  for (const auto& r : in.recipients) {
    m += "\r\n";
    // RFC 6533 §3: the "utf-8" address type, raw UTF-8 inside message/global-delivery-status.
    m += field("Final-Recipient", (u && policy::has_non_ascii(r.address) ? "utf-8; " : "rfc822; ") + address(r.address), u);
    m += field("Action", "failed");
    m += field("Status", r.status);
    if (!r.remote_mta.empty()) m += field("Remote-MTA", "dns; " + r.remote_mta);
    m += field("Diagnostic-Code",
               std::string(r.source == ReplySource::kRemote || !r.remote_mta.empty() ? "smtp; " : "x-sealpost; ") + r.diagnostic);
    m += field("Last-Attempt-Date", policy::rfc5322_utc(in.now));
  }
  m += "\r\n--" + b + "\r\n";
  m += std::string("Content-Type: ") + (u ? "message/global-headers" : "text/rfc822-headers") +
       "\r\nContent-Description: Undelivered Message Headers\r\n\r\n";
  m += header_block(in.original_content, u);
  m += "\r\n--" + b + "--\r\n";
  return Envelope{.from = "", .recipients = {in.sender}, .content = std::move(m), .smtputf8 = u};
}

}  // namespace sealpost::mta
