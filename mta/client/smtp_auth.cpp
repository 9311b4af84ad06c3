// See smtp_auth.h.
#include "mta/client/smtp_auth.h"

#include <algorithm>

namespace sealpost::mta {

namespace asio = boost::asio;

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto byte = [&](std::size_t i) -> std::uint32_t { return i < in.size() ? static_cast<unsigned char>(in[i]) : 0u; };
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

asio::awaitable<Result<Reply>> authenticate(SmtpConnection& conn, const policy::Credentials& c, const EhloCapabilities& caps,
                                            SmtpConnection::Clock::duration timeout) {
  const auto offers = [&](std::string_view m) { return std::find(caps.auth.begin(), caps.auth.end(), m) != caps.auth.end(); };
  if (offers("PLAIN") || !offers("LOGIN")) {
    co_return co_await conn.command("AUTH PLAIN " + base64(std::string(1, '\0') + c.user + std::string(1, '\0') + c.password),
                                    timeout);
  }
  Result<Reply> r = co_await conn.command("AUTH LOGIN", timeout);
  if (r && r->code == 334) r = co_await conn.command(base64(c.user), timeout);
  if (r && r->code == 334) r = co_await conn.command(base64(c.password), timeout);
  co_return r;
}

}  // namespace sealpost::mta
