// Who sealpostd works as ([server] user; issue 16, Postfix's mail_owner): started as root it
// binds its listeners (port 25 among them), opens the spool and the logs, then hands the spool,
// the control socket and the log files to that user and becomes it — supplementary groups
// cleared, group then user, and a check that root cannot be regained — before the event loop
// reads a byte from the network. Root stays only when the configuration says user = "root";
// an empty user under root is refused, so nobody runs an MTA as root by leaving a key out.
// Input: the configuration's user name, looked up in the system's user database.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "policy/result.h"

namespace sealpost::mta {

struct RunAs {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// What [server] user means for a process whose effective uid is `euid`: the account to switch
// to, or none (stay as is: not root, or user = "root"). An error for a user that does not
// exist, for root with no user named, and for a non-root process asked to become someone else.
Result<std::optional<RunAs>> plan_run_as(const std::string& user, uid_t euid);

// The spool (every file in it that is not the user's yet; its top 0700) and `files` (the
// control socket, the log files) given to the user.
Status hand_over(const RunAs& who, const std::filesystem::path& spool, const std::vector<std::filesystem::path>& files);

// setgroups(0), setgid, setuid; then proves that setuid(0) fails.
Status become(const RunAs& who);

}  // namespace sealpost::mta
