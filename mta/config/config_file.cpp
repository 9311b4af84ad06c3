// See config_file.h. POSIX calls, because std::filesystem has no fsync.
#include "mta/config/config_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sealpost::mta {
namespace {

std::string errno_text(const std::filesystem::path& p, const char* what) {
  return p.string() + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

Result<std::string> read_text_file(const std::filesystem::path& path) {
  const bool stdin_ = path == "-";
  const int fd = stdin_ ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{errno_text(path, "cannot open")};
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string e = errno_text(path, "cannot read");
      if (!stdin_) ::close(fd);
      return Error{e};
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxOwnFileOctets) {
      if (!stdin_) ::close(fd);
      return Error{path.string() + ": larger than 16 MiB"};
    }
  }
  if (!stdin_) ::close(fd);
  return text;
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const std::filesystem::path tmp = dir / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error{errno_text(tmp, "cannot create")};
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string e = errno_text(tmp, "cannot write");
      ::close(fd);
      ::unlink(tmp.c_str());
      return Error{e};
    }
    done += static_cast<std::size_t>(n);
  }
  // The file it replaces keeps its owner and group: root editing smtproutes.toml must not
  // take it from the [server] user that sealpostd reloads it as. (Only root can give a file
  // away; anyone else writes a file of their own, as before.)
  struct stat old {};
  if (::stat(path.c_str(), &old) == 0 && (old.st_uid != ::geteuid() || old.st_gid != ::getegid())) {
    (void)::fchown(fd, old.st_uid, old.st_gid);
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    const std::string e = errno_text(tmp, "cannot sync");
    ::close(fd);
    ::unlink(tmp.c_str());
    return Error{e};
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string e = errno_text(path, "cannot replace");
    ::unlink(tmp.c_str());
    return Error{e};
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok();
}

}  // namespace sealpost::mta
