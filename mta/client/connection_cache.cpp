// See connection_cache.h. Each parked connection has its own timer; take() cancels it, and
// the expiry coroutine then finds its entry gone and does nothing. Cancelling sets the
// expiry to the past rather than calling cancel(): a connection taken (or closed) before its
// expiry coroutine first ran has no wait to cancel yet, and that wait would hold the
// coroutine, and an io_context with nothing else to do, for the whole park time.
#include "mta/client/connection_cache.h"

namespace sealpost::mta {

namespace asio = boost::asio;

void ConnectionCache::park(const std::string& key, ParkedConnection connection) {
  auto timer = std::make_shared<asio::steady_timer>(executor_, kParkTime);
  shelf_->parked.emplace(key, Entry{.connection = std::move(connection), .timer = timer});
  ++shelf_->stats.parked;
  asio::co_spawn(executor_, expire(shelf_, key, timer), asio::detached);
}

std::optional<ParkedConnection> ConnectionCache::take(const std::string& key) {
  auto& parked = shelf_->parked;
  const auto it = parked.find(key);
  if (it == parked.end()) return std::nullopt;
  ParkedConnection c = std::move(it->second.connection);
  it->second.timer->expires_at(asio::steady_timer::time_point{});
  parked.erase(it);
  ++shelf_->stats.reused;
  return c;
}

asio::awaitable<void> ConnectionCache::expire(std::shared_ptr<Shelf> shelf, std::string key,
                                              std::shared_ptr<asio::steady_timer> timer) {
  boost::system::error_code ec;
  co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  auto [first, last] = shelf->parked.equal_range(key);
  for (auto it = first; it != last; ++it) {
    if (it->second.timer != timer) continue;
    auto connection = std::move(it->second.connection.connection);
    shelf->parked.erase(it);
    ++shelf->stats.expired;
    co_await quit(std::move(connection));
    co_return;
  }
}

asio::awaitable<void> ConnectionCache::quit(std::unique_ptr<SmtpConnection> connection) {
  // QUIT's reply changes nothing; a short deadline keeps a dead peer from holding us.
  (void)co_await connection->command("QUIT", std::chrono::seconds(5));
  co_await connection->shutdown();
}

void ConnectionCache::close_all() {
  for (auto& [key, entry] : shelf_->parked) {
    entry.timer->expires_at(asio::steady_timer::time_point{});
    asio::co_spawn(executor_, quit(std::move(entry.connection.connection)), asio::detached);
  }
  shelf_->parked.clear();
}

}  // namespace sealpost::mta
