// The human log for journald: when sealpostd runs under systemd with no [log] file, its
// standard error is a journal stream ($JOURNAL_STREAM names it, systemd.exec(5)), and each
// line goes out with the sd-daemon(3) priority prefix "<N>" (journald reads it as the syslog
// priority: `journalctl -p warning` then finds our warnings) and without our own timestamp
// (the journal stamps every entry). Elsewhere standard error keeps spdlog's own format.
#pragma once

#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>

namespace sealpost::cli {

// True when $JOURNAL_STREAM is "DEVICE:INODE" of the file descriptor `fd`.
bool is_journal_stream(int fd);

// syslog(3) priorities: error 3, warning 4, info 6, debug 7 (critical 2, trace 7).
int journal_priority(spdlog::level::level_enum level);

class JournalStreamSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JournalStreamSink(std::FILE* out = stderr) : out_(out) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override { std::fflush(out_); }

 private:
  std::FILE* out_;
};

}  // namespace sealpost::cli
