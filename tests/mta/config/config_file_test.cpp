// Atomic configuration writes (config/config_file.h): the new file replaces the old whole, with
// the mode asked for and the owner and group the old one had.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mta/config/config_file.h"

namespace sealpost::mta {
namespace {

TEST(WriteFileAtomic, ReplacesWholeKeepingOwnerAndGroup) {
  const auto dir = std::filesystem::temp_directory_path() / ("sealpost-config-file-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "smtproutes.toml";
  ASSERT_TRUE(write_file_atomic(file, "one\n", 0600));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  if (::geteuid() == 0) {  // giving a file away takes root
    ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
    ASSERT_TRUE(write_file_atomic(file, "two\n", 0600));
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u) << "still the user's that sealpostd runs as";
    EXPECT_EQ(st.st_gid, 65534u);
  }
  const auto text = read_text_file(file);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, ::geteuid() == 0 ? "two\n" : "one\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sealpost::mta
