// How a server's reply settles recipients (RFC 5321 §4.2.1, §4.2.5, §3.3): 2xx sent, 4xx
// deferred, 5xx bounced, with the server's words and the command they answered; the reply to
// DATA or to the end of the message applies to every recipient accepted so far. Untrusted:
// the reply (already parsed and bounded by reply.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mta/smtp/envelope.h"
#include "mta/smtp/reply.h"

namespace sealpost::mta {

// `server` as "host[ip]"; `in_reply_to` the command ("RCPT TO").
RecipientResult settle(std::string address, const Reply& reply, const std::string& server, std::string_view in_reply_to);
void settle_accepted(std::vector<RecipientResult>& recipients, const Reply& reply, const std::string& server,
                     std::string_view in_reply_to);

}  // namespace sealpost::mta
