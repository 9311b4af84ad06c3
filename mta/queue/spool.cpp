// See spool.h. File format (one message):
//   sealpost-spool 1\n  id: ID\n  received: T\n  client: C\n  from: A\n  [smtputf8: yes\n]  rcpt: A\n…
//   size: N\n  \n  N bytes of content  \n.end ID\n
#include "mta/queue/spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <atomic>
#include <optional>
#include <random>

#include "mta/config/config_file.h"
#include "policy/domain_name.h"
#include "policy/time_format.h"

namespace sealpost::mta {
namespace {

constexpr std::string_view kMagic = "sealpost-spool 1\n";
constexpr std::size_t kMaxSpoolRecipients = 10000;
constexpr std::uint64_t kMaxContent = 1ull << 31;

// One "key: value" line from `text` at `pos`.
bool field(std::string_view text, std::size_t& pos, std::string_view key, std::string& value) {
  const auto nl = text.find('\n', pos);
  if (nl == std::string_view::npos) return false;
  const std::string_view line = text.substr(pos, nl - pos);
  if (line.size() < key.size() + 2 || line.substr(0, key.size()) != key || line.substr(key.size(), 2) != ": ") return false;
  value = std::string(line.substr(key.size() + 2));
  pos = nl + 1;
  return true;
}

// Digits only, at most `max_digits` of them: no sign, no spaces, no leading zero, no
// exceptions.
std::optional<std::uint64_t> whole_number(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  if (text.size() > 1 && text.front() == '0') return std::nullopt;  // we never write "07": not ours
  std::uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

// Time in microseconds, then a counter that starts at a random value: commits run on several
// threads at once (grouped fsyncs), and two of them in the same microsecond still differ. One
// daemon owns a spool (its lock), so the process is the only writer of IDs.
// ID.msg: a committed message (ID.state and temporary files are not).
bool is_message_file(const std::string& name) {
  return name.size() == 20 && name.ends_with(".msg") && valid_queue_id(name.substr(0, 16));
}

std::string new_id() {
  static std::atomic<std::uint32_t> sequence{std::random_device{}()};
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%010llX%06X", static_cast<unsigned long long>(us) & 0xFFFFFFFFFFull,
                sequence.fetch_add(1, std::memory_order_relaxed) & 0xFFFFFFu);
  return buf;
}

}  // namespace

bool valid_queue_id(std::string_view id) {
  return id.size() == 16 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); });
}

std::string serialize_message(const QueuedMessage& m) {
  std::string out(kMagic);
  out += "id: " + m.id + "\nreceived: " + m.received + "\nclient: " + m.client + "\nfrom: " + m.envelope.from + "\n";
  // Written only when set: a message without the flag is byte for byte what earlier versions wrote.
  if (m.envelope.smtputf8) out += "smtputf8: yes\n";
  for (const auto& r : m.envelope.recipients) out += "rcpt: " + r + "\n";
  out += "size: " + std::to_string(m.envelope.content.size()) + "\n\n";
  out += m.envelope.content;
  out += "\n.end " + m.id + "\n";
  return out;
}

Result<QueuedMessage> parse_message(std::string_view text, std::string_view source) {
  const auto bad = [&](const std::string& what) { return Error{std::string(source) + ": not a spool file: " + what}; };
  if (text.substr(0, kMagic.size()) != kMagic) return bad("no header");
  std::size_t pos = kMagic.size();
  QueuedMessage m;
  std::string size_text;
  if (!field(text, pos, "id", m.id) || !valid_queue_id(m.id)) return bad("bad id");
  if (!field(text, pos, "received", m.received) || !field(text, pos, "client", m.client) ||
      !field(text, pos, "from", m.envelope.from)) {
    return bad("bad envelope");
  }
  std::string rcpt, smtputf8;
  if (field(text, pos, "smtputf8", smtputf8)) {
    if (smtputf8 != "yes") return bad("bad smtputf8");
    m.envelope.smtputf8 = true;
  }
  while (field(text, pos, "rcpt", rcpt)) {
    if (m.envelope.recipients.size() >= kMaxSpoolRecipients) return bad("too many recipients");
    m.envelope.recipients.push_back(rcpt);
  }
  if (m.envelope.recipients.empty()) return bad("no recipient");
  if (!field(text, pos, "size", size_text) || !whole_number(size_text, 10)) return bad("bad size");
  const std::uint64_t size = *whole_number(size_text, 10);
  if (size > kMaxContent || pos >= text.size() || text[pos] != '\n') return bad("bad size");
  ++pos;
  const std::string trailer = "\n.end " + m.id + "\n";
  if (text.size() - pos < size || text.substr(pos + size) != trailer) return bad("incomplete (no end marker)");
  m.envelope.content = std::string(text.substr(pos, size));
  return m;
}

std::string serialize_state(const QueueState& s) {
  std::string out = "attempts: " + std::to_string(s.attempts) + "\nnext: " + std::to_string(s.next_attempt) +
                    "\nheld: " + (s.held ? "yes" : "no") + "\n";
  for (const auto& r : s.finished) {
    out += "done: " + std::string(to_string(r.status)) + " " + (r.status_code.empty() ? "-" : r.status_code) + " " + r.address +
           " " + policy::escape_for_display(r.reply) + "\n";
  }
  for (const auto& r : s.last_deferred) {
    out += "deferred: " + (r.status_code.empty() ? std::string("-") : r.status_code) + " " + r.address + " " +
           policy::escape_for_display(r.reply) + "\n";
  }
  return out;
}

Result<QueueState> parse_state(std::string_view text, std::string_view source) {
  QueueState s;
  std::size_t pos = 0;
  std::string v;
  const auto bad = Error{std::string(source) + ": bad state file"};
  if (!field(text, pos, "attempts", v) || !whole_number(v, 9)) return bad;
  s.attempts = static_cast<std::uint32_t>(*whole_number(v, 9));
  if (!field(text, pos, "next", v) || !whole_number(v, 18)) return bad;
  s.next_attempt = static_cast<std::int64_t>(*whole_number(v, 18));
  if (!field(text, pos, "held", v)) return bad;
  s.held = v == "yes";
  while (field(text, pos, "done", v)) {
    const auto a = v.find(' '), b = v.find(' ', a + 1), c = v.find(' ', b + 1);
    if (a == std::string::npos || b == std::string::npos) return bad;
    RecipientResult r;
    const std::string status = v.substr(0, a);
    if (status == "sent")
      r.status = RecipientStatus::kSent;
    else if (status == "bounced")
      r.status = RecipientStatus::kBounced;
    else
      return bad;
    r.status_code = v.substr(a + 1, b - a - 1);
    r.address = v.substr(b + 1, c == std::string::npos ? std::string::npos : c - b - 1);
    r.reply = c == std::string::npos ? "" : v.substr(c + 1);
    s.finished.push_back(std::move(r));
  }
  while (field(text, pos, "deferred", v)) {
    const auto a = v.find(' '), b = v.find(' ', a + 1);
    if (a == std::string::npos) return bad;
    s.last_deferred.push_back({.address = v.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1),
                               .status = RecipientStatus::kDeferred,
                               .status_code = v.substr(0, a),
                               .reply = b == std::string::npos ? "" : v.substr(b + 1)});
  }
  if (pos != text.size()) return bad;
  return s;
}

Result<SpoolLock> SpoolLock::acquire(const std::filesystem::path& spool_dir) {
  const auto path = spool_dir / "lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error{path.string() + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    return Error{path.string() + ": held by another process (" + std::strerror(err) + ")"};
  }
  return SpoolLock(fd);
}

SpoolLock::~SpoolLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Spool> Spool::open(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const char* sub : {"queue", "corrupt"}) {
    std::filesystem::create_directories(dir / sub, ec);
    if (ec) return Error{(dir / sub).string() + ": " + ec.message()};
    std::filesystem::permissions(dir / sub, std::filesystem::perms::owner_all, ec);
  }
  return Spool(dir);
}

std::filesystem::path Spool::message_path(const std::string& id) const { return dir_ / "queue" / (id + ".msg"); }
std::filesystem::path Spool::state_path(const std::string& id) const { return dir_ / "queue" / (id + ".state"); }

Result<std::string> Spool::commit(std::string_view client, const Envelope& envelope,
                                  std::chrono::system_clock::time_point received) {
  QueuedMessage m{.id = new_id(),
                  .received = policy::rfc3339_utc(received),
                  .client = policy::escape_for_display(client),
                  .envelope = envelope};
  // The error_code overloads throughout: a spool the process may not read (EACCES) is an
  // error to report with a 4xx, never an exception that drops the client's connection.
  std::error_code ec;
  for (int i = 0; i < 8 && std::filesystem::exists(message_path(m.id), ec); ++i) m.id = new_id();
  if (auto s = write_file_atomic(message_path(m.id), serialize_message(m), 0600); !s) return s.error();
  return m.id;
}

std::vector<std::string> Spool::list() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "queue", ec)) {
    const std::string name = e.path().filename().string();
    if (is_message_file(name)) ids.push_back(name.substr(0, 16));
  }
  std::sort(ids.begin(), ids.end());  // IDs begin with the time: oldest first
  return ids;
}

Spool::Census Spool::census() const {
  Census c;
  std::optional<std::filesystem::file_time_type> oldest;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir_ / "queue", ec)) {
    if (!is_message_file(e.path().filename().string())) continue;
    ++c.messages;
    std::error_code time_ec;
    const auto t = e.last_write_time(time_ec);
    if (!time_ec && (!oldest || t < *oldest)) oldest = t;
  }
  if (oldest) {
    c.oldest = std::chrono::time_point_cast<std::chrono::system_clock::duration>(std::chrono::file_clock::to_sys(*oldest));
  }
  return c;
}

Result<QueuedMessage> Spool::load(const std::string& id) const {
  auto text = read_text_file(message_path(id));
  if (!text) return text.error();
  return parse_message(*text, message_path(id).string());
}

QueueState Spool::state(const std::string& id) const {
  std::error_code ec;
  if (!std::filesystem::exists(state_path(id), ec)) return {};
  auto text = read_text_file(state_path(id));
  if (!text) return {};
  auto s = parse_state(*text, state_path(id).string());
  return s ? *s : QueueState{};
}

Status Spool::save_state(const std::string& id, const QueueState& state) {
  return write_file_atomic(state_path(id), serialize_state(state), 0600);
}

Status Spool::remove(const std::string& id) {
  std::error_code ec;
  std::filesystem::remove(state_path(id), ec);
  // The message last: a crash in between leaves a message that starts afresh (delivered
  // twice at worst), never a state without its message.
  if (!std::filesystem::remove(message_path(id), ec) && ec) return Error{message_path(id).string() + ": " + ec.message()};
  return ok();
}

Status Spool::quarantine(const std::string& id) {
  std::error_code ec;
  std::filesystem::rename(message_path(id), dir_ / "corrupt" / (id + ".msg"), ec);
  if (ec) return Error{message_path(id).string() + ": " + ec.message()};
  std::filesystem::remove(state_path(id), ec);
  return ok();
}

}  // namespace sealpost::mta
