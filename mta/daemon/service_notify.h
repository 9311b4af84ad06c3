// Tells systemd how the daemon is doing (sd_notify(3), the unit's Type=notify): READY=1 once
// the listeners are bound and the privileges dropped, RELOADING=1 … READY=1 around a reload,
// STOPPING=1 on the way out, STATUS= a line `systemctl status` shows. One datagram to the
// socket named by $NOTIFY_SOCKET (a path, or '@' for the abstract namespace); without it,
// nothing (started by hand, or by another supervisor). The protocol is documented as stable
// and is a single sendto, so it is written here rather than linking libsystemd for it
// (Debian 12's libsystemd-dev would also replace the machine's libsystemd0).
#pragma once

#include <string_view>

namespace sealpost::mta {

// Sends `state` (lines of KEY=VALUE); false when there is no socket or the send failed.
bool notify_service_manager(std::string_view state);

}  // namespace sealpost::mta
