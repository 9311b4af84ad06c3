// The spool (DESIGN.md "The spool"; Postfix's mail_stream.c commit protocol): a message is
// written to a temporary file, fsync'd, renamed into queue/ and the directory fsync'd before
// the relay says 250; a file without its end marker is not a message. Delivery state per
// recipient lives beside it (ID.state, replaced atomically), written before a recipient
// counts as done, so a crash at any point loses nothing and at worst delivers twice.
// Untrusted: spool files (disk corruption, a truncated write) — the parser checks everything.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mta/smtp/envelope.h"
#include "policy/result.h"

namespace sealpost::mta {

struct QueuedMessage {
  std::string id;        // 16 hex digits
  std::string received;  // RFC 3339
  std::string client;    // "name[ip]" of the client that gave it to us
  Envelope envelope;
};

struct QueueState {
  std::uint32_t attempts = 0;
  std::int64_t next_attempt = 0;          // Unix seconds; 0: now
  std::vector<RecipientResult> finished;  // sent or bounced: never tried again
  bool held = false;
  std::vector<RecipientResult> last_deferred;  // why the last attempt left these in the queue
};

class Spool {
 public:
  static Result<Spool> open(const std::filesystem::path& dir);

  // Durable before it returns: the message's ID.
  Result<std::string> commit(std::string_view client, const Envelope& envelope, std::chrono::system_clock::time_point received);
  std::vector<std::string> list() const;  // committed messages, oldest first
  // One pass over queue/: how many messages, and when the longest-queued one was committed
  // (its file's modification time: IDs wrap after 12 days, so their order is no clock).
  struct Census {
    std::size_t messages = 0;
    std::optional<std::chrono::system_clock::time_point> oldest;  // none when the queue is empty
  };
  Census census() const;
  Result<QueuedMessage> load(const std::string& id) const;
  QueueState state(const std::string& id) const;  // a missing or bad state file: a fresh one
  Status save_state(const std::string& id, const QueueState& state);
  Status remove(const std::string& id);
  // A message file that does not parse is moved to corrupt/ and reported, never delivered.
  Status quarantine(const std::string& id);
  const std::filesystem::path& directory() const { return dir_; }

 private:
  explicit Spool(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path message_path(const std::string& id) const;
  std::filesystem::path state_path(const std::string& id) const;
  std::filesystem::path dir_;
};

bool valid_queue_id(std::string_view id);  // 16 upper-case hex digits

// The spool's lock (SPOOL/lock, flock): whoever writes the queue holds it — the daemon for its
// lifetime, `sealpost queue` while it changes a stopped daemon's spool. Released on
// destruction. An error when someone else holds it.
class SpoolLock {
 public:
  static Result<SpoolLock> acquire(const std::filesystem::path& spool_dir);
  SpoolLock(SpoolLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  SpoolLock& operator=(SpoolLock&&) = delete;
  ~SpoolLock();

 private:
  explicit SpoolLock(int fd) : fd_(fd) {}
  int fd_;
};

std::string serialize_message(const QueuedMessage& message);
Result<QueuedMessage> parse_message(std::string_view text, std::string_view source);
std::string serialize_state(const QueueState& state);
Result<QueueState> parse_state(std::string_view text, std::string_view source);

}  // namespace sealpost::mta
