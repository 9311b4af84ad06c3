// The SMTP AUTH dialogue of the client (RFC 4954 §4): PLAIN (RFC 4616) when the server offers
// it or offers neither, LOGIN otherwise, the credentials in base64 (RFC 4648 §4). Only the
// exchange: whether credentials may be sent at all (never outside TLS, TLS-POLICY.md §7) is
// the session's decision, made before this is called. Untrusted: the server's replies.
#pragma once

#include <string>
#include <string_view>

#include "asio/asio.h"
#include "mta/client/smtp_connection.h"
#include "mta/smtp/reply.h"
#include "policy/route_destination.h"

namespace sealpost::mta {

std::string base64(std::string_view in);

// The server's last reply (235 when authenticated), or the connection's error.
boost::asio::awaitable<Result<Reply>> authenticate(SmtpConnection& connection, const policy::Credentials& credentials,
                                                   const EhloCapabilities& capabilities, SmtpConnection::Clock::duration timeout);

}  // namespace sealpost::mta
