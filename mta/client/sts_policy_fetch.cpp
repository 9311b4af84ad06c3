// See sts_policy_fetch.h.
#include "mta/client/sts_policy_fetch.h"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "mta/client/tls_connection.h"
#include "policy/domain_name.h"
#include "policy/mta_sts.h"
#include "policy/sts_host.h"
#include "policy/presented_id.h"

namespace sealpost::mta {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = TlsConnection::Clock;

namespace {

constexpr std::string_view kPolicyPath = "/.well-known/mta-sts.txt";  // RFC 8461 §3.3

StsFetchResult failed(StsFetchResult r, StsFetchFailure f, std::string error) {
  r.failure = f;
  r.error = std::move(error);
  return r;
}

bool is_text_plain(std::string_view type) {
  const std::string_view base = type.substr(0, std::min(type.find(';'), type.size()));
  std::string lower;
  for (char c : base) {
    if (c != ' ' && c != '\t') lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
  }
  return lower == "text/plain";
}

}  // namespace

std::string sts_policy_host(const std::string& domain) { return "mta-sts." + domain; }

std::string_view to_string(StsFetchFailure f) {
  switch (f) {
    case StsFetchFailure::kNone: return "none";
    case StsFetchFailure::kFetchError: return "sts-policy-fetch-error";
    case StsFetchFailure::kWebPkiInvalid: return "sts-webpki-invalid";
  }
  return "?";
}

asio::awaitable<StsFetchResult> fetch_sts_policy(const SessionContext& ctx, StsFetchRequest req) {
  StsFetchResult r;
  const std::string host = sts_policy_host(req.domain);
  const std::string where = "https://" + host + std::string(kPolicyPath) + " [" + req.address.to_string() + "]";
  const auto deadline = Clock::now() + req.timeout;
  const auto left = [&] { return std::max(Clock::duration::zero(), deadline - Clock::now()); };
  TlsConnection conn(co_await asio::this_coro::executor);
  // Named, not temporaries inside co_await: g++ 12 destroys such temporaries twice.
  const asio::ip::tcp::endpoint endpoint(req.address, req.port);
  if (auto s = co_await conn.connect(endpoint, left()); !s) {
    co_return failed(r, StsFetchFailure::kFetchError, where + ": " + s.error().message);
  }
  if (!ctx.tls || !ctx.trust) co_return failed(r, StsFetchFailure::kFetchError, "no TLS context or trust store");
  tls::TlsClientConfig config{.server_name = host, .port = req.port, .strength = tls::TlsStrength::kModern};
  if (auto s = co_await conn.start_tls(*ctx.tls, std::move(config), left()); !s) {
    co_return failed(r, StsFetchFailure::kFetchError, where + ": TLS handshake failed: " + s.error().message);
  }
  const auto* facts = conn.tls_facts();
  r.tls_version = facts->version;
  r.tls_cipher = facts->cipher;
  r.chain = facts->chain;
  if (r.chain.empty()) co_return failed(r, StsFetchFailure::kWebPkiInvalid, where + ": the server sent no certificate");
  if (const auto chain = ctx.trust->validate(r.chain, ctx.verification_time()); !chain.ok) {
    co_return failed(r, StsFetchFailure::kWebPkiInvalid, where + ": certificate chain not trusted: " + chain.error);
  }
  if (auto e = policy::sts_name_problem(policy::presented_ids(r.chain.front().names()), host); !e.empty()) {
    co_return failed(r, StsFetchFailure::kWebPkiInvalid, where + ": " + e);
  }

  // No HTTP cache, no redirects, one request on the connection (RFC 8461 §3.3).
  const std::string request = "GET " + std::string(kPolicyPath) + " HTTP/1.1\r\nHost: " + host +
                              "\r\nUser-Agent: sealpost\r\nAccept: text/plain\r\nConnection: close\r\n\r\n";
  if (auto s = co_await conn.write(request, left()); !s)
    co_return failed(r, StsFetchFailure::kFetchError, where + ": " + s.error().message);
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxStsHeaderOctets);
  parser.body_limit(policy::kMaxStsPolicyOctets);
  parser.eager(true);
  std::string& in = conn.input();
  boost::system::error_code ec;
  while (!parser.is_done()) {
    if (!in.empty()) {
      const std::size_t used = parser.put(asio::buffer(in), ec);
      in.erase(0, used);
      if (ec == http::error::need_more) ec = {};
      if (ec) break;
      if (used > 0 || parser.is_done()) continue;
    }
    auto more = co_await conn.read_more(left());
    if (!more) co_return failed(r, StsFetchFailure::kFetchError, where + ": " + more.error().message);
    if (!*more && in.empty()) {
      parser.put_eof(ec);
      break;
    }
  }
  co_await conn.shutdown();
  if (ec == http::error::body_limit) {
    co_return failed(r, StsFetchFailure::kFetchError, where + ": the policy is larger than 64 KiB");
  }
  if (ec || !parser.is_done()) {
    co_return failed(r, StsFetchFailure::kFetchError, where + ": bad HTTP response: " + (ec ? ec.message() : "truncated"));
  }
  const auto& res = parser.get();
  r.http_status = res.result_int();
  r.content_type = std::string(res[http::field::content_type]);
  if (r.http_status != 200) {
    const bool redirect = r.http_status >= 300 && r.http_status < 400;
    co_return failed(r, StsFetchFailure::kFetchError,
                     where + ": HTTP " + std::to_string(r.http_status) +
                         (redirect ? " (redirects are not followed, RFC 8461 §3.3)" : "") + ", not 200");
  }
  if (!is_text_plain(r.content_type)) {
    co_return failed(r, StsFetchFailure::kFetchError,
                     where + ": Content-Type '" + policy::escape_for_display(r.content_type) + "' is not text/plain");
  }
  r.body = res.body();
  r.failure = StsFetchFailure::kNone;
  co_return r;
}

}  // namespace sealpost::mta
