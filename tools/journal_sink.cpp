// See journal_sink.h.
#include "tools/journal_sink.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

namespace sealpost::cli {

bool is_journal_stream(int fd) {
  const char* env = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (!env || ::fstat(fd, &st) != 0) return false;
  return std::string(env) == std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

int journal_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

void JournalStreamSink::sink_it_(const spdlog::details::log_msg& msg) {
  // One entry per line: a payload with a newline in it (a peer's multi-line reply) would
  // otherwise become entries without the priority.
  std::string line = "<" + std::to_string(journal_priority(msg.level)) + ">";
  for (const char c : std::string_view(msg.payload.data(), msg.payload.size())) line += c == '\n' ? ' ' : c;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace sealpost::cli
