// Fetches an MTA-STS policy (RFC 8461 §3.3; DANE-MTA-STS.md §2 rule 3): HTTPS GET
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt over our own TLS client (TlsConnection and
// the Botan channel, the same trust store as delivery), SNI = the policy host, the chain
// validated and a DNS-ID of the certificate matching the policy host (no CN; `*` only as the
// whole left-most label), HTTP/1.1 parsed by Boost.Beast; only a 200 with Content-Type
// text/plain counts, redirects are not followed, the body is at most 64 KiB, the whole fetch
// has one deadline. The address comes from our resolver. Untrusted: everything the server sends.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "asio/asio.h"
#include "mta/client/smtp_session.h"
#include "tls/certificate.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxStsHeaderOctets = 8192;     // ours: a policy server sends a few lines
inline constexpr std::chrono::seconds kStsFetchTimeout{60};  // RFC 8461 §3.3 (SHOULD be at most a minute)

struct StsFetchRequest {
  std::string domain;  // the policy domain; the host is mta-sts.DOMAIN
  boost::asio::ip::address address;
  std::uint16_t port = 443;  // tests remap it
  std::chrono::milliseconds timeout = kStsFetchTimeout;
};

// RFC 8460 §4.3.2 failure classes for a fetch.
enum class StsFetchFailure {
  kNone,
  kFetchError,    // sts-policy-fetch-error: connect, TLS, HTTP status, type, size, time
  kWebPkiInvalid  // sts-webpki-invalid: the certificate chain or its name
};

std::string_view to_string(StsFetchFailure failure);  // "none", "sts-policy-fetch-error", "sts-webpki-invalid"

struct StsFetchResult {
  StsFetchFailure failure = StsFetchFailure::kFetchError;
  std::string body;  // with kNone
  std::string error;
  unsigned http_status = 0;
  std::string content_type;
  std::string tls_version, tls_cipher;
  std::vector<tls::Certificate> chain;
  bool ok() const { return failure == StsFetchFailure::kNone; }
};

std::string sts_policy_host(const std::string& domain);  // "mta-sts." + domain

// `context` gives the TLS client context, the trust store and the validation time.
boost::asio::awaitable<StsFetchResult> fetch_sts_policy(const SessionContext& context, StsFetchRequest request);

}  // namespace sealpost::mta
