// sealpostd's journal stream (tools/journal_sink.h): the priority prefix per level, one entry
// per line, and when standard error counts as the journal.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <spdlog/logger.h>

#include "tools/journal_sink.h"

namespace sealpost::cli {
namespace {

TEST(JournalSink, PriorityPrefixPerLevelAndOneEntryPerLine) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  spdlog::logger log("t", std::make_shared<JournalStreamSink>(f));
  log.set_level(spdlog::level::debug);
  log.error("spool: disk full");
  log.warn("0123: to=<a@b> status=deferred");
  log.info("two\nlines");
  log.debug("detail");
  log.flush();
  std::rewind(f);
  char buf[512] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, n), "<3>spool: disk full\n<4>0123: to=<a@b> status=deferred\n<6>two lines\n<7>detail\n");
}

TEST(JournalSink, StandardErrorIsTheJournalOnlyWhenJournalStreamNamesIt) {
  struct stat st {};
  ASSERT_EQ(::fstat(2, &st), 0);
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(is_journal_stream(2));
  ::setenv("JOURNAL_STREAM", (std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)).c_str(), 1);
  EXPECT_TRUE(is_journal_stream(2));
  ::setenv("JOURNAL_STREAM", (std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1)).c_str(), 1);
  EXPECT_FALSE(is_journal_stream(2)) << "a stream inherited from elsewhere, stderr redirected since";
  ::unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace sealpost::cli
