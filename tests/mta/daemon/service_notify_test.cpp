// sd_notify's datagram (daemon/service_notify.h) received on a socket of our own, as systemd
// would receive it; nothing without $NOTIFY_SOCKET.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "mta/daemon/service_notify.h"

namespace sealpost::mta {
namespace {

std::string receive_after(const std::string& path, std::string_view state) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (path[0] == '@') addr.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  EXPECT_TRUE(notify_service_manager(state));
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  ::close(fd);
  ::unsetenv("NOTIFY_SOCKET");
  if (path[0] == '/') ::unlink(path.c_str());
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
}

TEST(ServiceNotify, OneDatagramToTheNotifySocket) {
  EXPECT_EQ(receive_after("/tmp/sealpost-notify-" + std::to_string(::getpid()), "READY=1\nSTATUS=accepting mail"),
            "READY=1\nSTATUS=accepting mail");
  EXPECT_EQ(receive_after("@sealpost-notify-" + std::to_string(::getpid()), "STOPPING=1"), "STOPPING=1")
      << "the abstract namespace";
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(notify_service_manager("READY=1")) << "no service manager";
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_FALSE(notify_service_manager("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace sealpost::mta
