// Waits, inside a coroutine, for a callback-style lookup of dns/ (the resolver may answer
// before returning, from its cache, or later on this executor; it always answers, its
// lookups have deadlines). Used by delivery and MTA-STS discovery.
#pragma once

#include <optional>
#include <utility>

#include "asio/asio.h"
#include "mta/client/tls_connection.h"

namespace sealpost::mta {

template <class T, class Start>
boost::asio::awaitable<T> await_lookup(Start start) {
  boost::asio::steady_timer wake(co_await boost::asio::this_coro::executor, TlsConnection::Clock::time_point::max());
  std::optional<T> value;
  start([&](T r) {
    value = std::move(r);
    wake.cancel();
  });
  if (!value) {
    boost::system::error_code ec;
    co_await wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  co_return std::move(*value);
}

}  // namespace sealpost::mta
