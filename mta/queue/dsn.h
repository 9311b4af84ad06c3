// Delivery status notifications (RFC 3464 in an RFC 3462/6522 multipart/report): the message
// sent back to the envelope sender when recipients failed permanently or expired in the queue.
// One DSN names every recipient it reports, with its enhanced status (RFC 3463) and the
// reason — the remote reply, or the TLS reason (TLS-POLICY.md §7) when TLS kept the message
// back. It returns the original headers only (text/rfc822-headers, RFC 6522 §3), never the
// body, so a DSN is small and 7-bit — unless the message was SMTPUTF8 and there is UTF-8 to
// report: then it is an RFC 6533 DSN (message/global-delivery-status). Untrusted: the
// original message's headers and the remote replies, which are folded, cut to RFC 5322 line
// limits and made 7-bit here (UTF-8 kept only where well formed, in an RFC 6533 DSN).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "mta/smtp/envelope.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxReturnedHeaders = 64 * 1024;  // RFC 6522 §3 lets us trim

struct DsnRecipient {
  std::string address;
  std::string status;      // enhanced status, class 5 (RFC 3464 §2.3.4)
  std::string diagnostic;  // the remote reply or our reason
  std::string remote_mta;  // host the reply came from; empty: none answered
  bool expired = false;    // gave up at the queue lifetime (not refused by a server)
  // kRemote: `diagnostic` is a server's reply (Diagnostic-Code type "smtp", RFC 3464 §2.3.6),
  // as it also is whenever remote_mta names the server.
  ReplySource source = ReplySource::kLocal;
};

struct DsnInput {
  std::string reporting_mta;  // our host name
  std::string queue_id;
  std::chrono::system_clock::time_point arrival;
  std::chrono::system_clock::time_point now;
  std::string sender;            // the original envelope sender: the DSN's recipient
  std::string original_content;  // for the returned headers
  std::vector<DsnRecipient> recipients;
  bool smtputf8 = false;  // the original message came with SMTPUTF8 (RFC 6533 may apply)
};

// RFC 3461 §6.2 / RFC 5321 §6.1: no DSN for a message with the null reverse-path (that would
// answer a bounce with a bounce). Otherwise the DSN's envelope: null sender, one recipient.
std::optional<Envelope> make_dsn(const DsnInput& input);

}  // namespace sealpost::mta
