// Connection reuse for the SMTP client (destconfig max-messages-per-connection; Postfix's
// smtp_connection_cache_on_demand): after a message, a healthy connection is parked instead
// of closed, and the next delivery with the same key takes it and goes straight to MAIL.
// The key holds everything the connection was verified for — TLS setting, host, address,
// port, route credentials, DANE state, MTA-STS policy, and the recipient domain wherever its
// reference identities decide (TLS-POLICY.md §8–9: the verifying settings, usable DANE, an
// MTA-STS policy) — so a connection checked against one domain's identities never carries
// mail that would be checked against another's. Under `no`, `preferred` and `required` it
// carries any domain's mail to that server, as Postfix's cache does by server address
// (delivery.cpp's reuse_key). A parked connection is closed with QUIT after kParkTime
// unused, as Postfix's smtp_connection_cache_time_limit does.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "asio/asio.h"
#include "mta/client/smtp_connection.h"
#include "mta/report/tls_outcome.h"
#include "mta/smtp/reply.h"
#include "tls/certificate.h"

namespace sealpost::mta {

inline constexpr std::chrono::seconds kParkTime{2};

struct ParkedConnection {
  std::unique_ptr<SmtpConnection> connection;
  EhloCapabilities capabilities;
  TlsOutcome outcome;                   // what the first session on it learned (TLS facts, trace)
  std::vector<tls::Certificate> chain;  // as verified
  std::uint32_t messages = 0;           // sent on it so far
};

class ConnectionCache {
 public:
  explicit ConnectionCache(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
  void park(const std::string& key, ParkedConnection connection);
  std::optional<ParkedConnection> take(const std::string& key);
  std::size_t size() const { return shelf_->parked.size(); }
  void close_all();  // stopping: QUIT to everything parked

  struct Stats {
    std::uint64_t parked = 0, reused = 0, expired = 0;
  };
  const Stats& stats() const { return shelf_->stats; }

 private:
  struct Entry {
    ParkedConnection connection;
    std::shared_ptr<boost::asio::steady_timer> timer;
  };
  // The parked connections, shared with each one's expiry coroutine: a timer that fires after
  // the cache is gone still finds the shelf (and QUITs what is left on it).
  struct Shelf {
    std::multimap<std::string, Entry> parked;
    Stats stats;
  };
  static boost::asio::awaitable<void> expire(std::shared_ptr<Shelf> shelf, std::string key,
                                             std::shared_ptr<boost::asio::steady_timer> timer);
  static boost::asio::awaitable<void> quit(std::unique_ptr<SmtpConnection> connection);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<Shelf> shelf_ = std::make_shared<Shelf>();
};

}  // namespace sealpost::mta
