// The message model both directions share (RFC 5321 §2.3.1, §3.3): the envelope with its
// content, a recipient's final word, and dot-stuffing for DATA (§4.5.2). The server hands an
// Envelope to the spool, the queue hands it to the client, a DSN is one; none of them needs
// a socket or TLS to name a message. Untrusted: content and addresses, carried as they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mta/smtp/status_code.h"

namespace sealpost::mta {

struct Envelope {
  std::string from;                     // reverse-path, without <>; empty: null sender
  std::vector<std::string> recipients;  // forward-paths, without <>
  std::string content;                  // the RFC 5322 message, CRLF line ends, not dot-stuffed
  // The client gave MAIL FROM's SMTPUTF8 parameter (RFC 6531): addresses and headers may
  // hold UTF-8 (mta/smtp/address.h decides what the next hop must offer).
  bool smtputf8 = false;
};

enum class RecipientStatus { kSent, kDeferred, kBounced };
std::string_view to_string(RecipientStatus status);

// Who said what a recipient's result reports: a server's reply (its host then names the
// Remote-MTA of a DSN, RFC 3464 §2.3.5), or a reason of our own (DNS, TLS policy, the queue).
enum class ReplySource { kLocal, kRemote };

struct RecipientResult {
  std::string address;
  RecipientStatus status = RecipientStatus::kDeferred;
  std::string status_code;  // enhanced, e.g. "2.0.0", "4.7.5", "5.1.1"
  std::string reply;        // the server's reply, or our reason
  ReplySource source = ReplySource::kLocal;
};

// RFC 5321 §4.5.2: a line starting with "." gets another ".", and the message ends in
// CRLF "." CRLF. Lone LF and CR are sent as CRLF (§2.3.8).
std::string dot_stuff(std::string_view content);

}  // namespace sealpost::mta
