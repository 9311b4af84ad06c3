// See privileges.h.
#include "mta/daemon/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

Status chown_one(const std::filesystem::path& p, const RunAs& who) {
  if (::lchown(p.c_str(), who.uid, who.gid) != 0) return Error{errno_text(p.string() + ": cannot give it to " + who.name)};
  return ok();
}

}  // namespace

Result<std::optional<RunAs>> plan_run_as(const std::string& user, uid_t euid) {
  if (user.empty()) {
    if (euid != 0) return std::optional<RunAs>();
    return Error{
        "refusing to run as root: set [server] user to the account sealpostd works as (\"sealpost\"), or "
        "user = \"root\" to keep root on purpose"};
  }
  errno = 0;
  const passwd* pw = ::getpwnam(user.c_str());
  if (!pw) {
    return Error{"[server] user '" + policy::escape_for_display(user) + "': no such user" +
                 (errno ? std::string(" (") + std::strerror(errno) + ")"
                        : std::string(" (adduser --system ") + policy::escape_for_display(user) + ")")};
  }
  RunAs who{.name = user, .uid = pw->pw_uid, .gid = pw->pw_gid};
  if (who.uid == euid) return std::optional<RunAs>();  // already that user (root with user = "root" too)
  if (euid != 0) {
    return Error{"[server] user '" + policy::escape_for_display(user) + "': only root can become another user (running as uid " +
                 std::to_string(euid) + ")"};
  }
  return std::optional<RunAs>(std::move(who));
}

Status hand_over(const RunAs& who, const std::filesystem::path& spool, const std::vector<std::filesystem::path>& files) {
  // Every file in the spool, not only its top: a spool the package made for the user still
  // gets queue/, corrupt/ and the lock from this process, which is root until just after.
  std::vector<std::filesystem::path> paths = {spool};
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(spool, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    paths.push_back(it->path());
  }
  if (ec) return Error{spool.string() + ": " + ec.message()};
  paths.insert(paths.end(), files.begin(), files.end());
  for (const auto& p : paths) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return Error{errno_text(p.string())};
    if (st.st_uid == who.uid && st.st_gid == who.gid) continue;
    if (auto s = chown_one(p, who); !s) return s;
  }
  if (::chmod(spool.c_str(), 0700) != 0) return Error{errno_text(spool.string() + ": cannot make it 0700")};
  return ok();
}

Status become(const RunAs& who) {
  if (::setgroups(0, nullptr) != 0) return Error{errno_text("cannot clear the supplementary groups")};
  if (::setgid(who.gid) != 0) return Error{errno_text("cannot become group " + std::to_string(who.gid))};
  if (::setuid(who.uid) != 0) return Error{errno_text("cannot become user " + who.name)};
  if (::setuid(0) == 0 || ::geteuid() == 0 || ::getegid() != who.gid) {
    return Error{"still able to become root after switching to " + who.name + ": refusing to run"};
  }
  return ok();
}

}  // namespace sealpost::mta
