// See control_socket.h.
#include "mta/daemon/control_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace sealpost::mta {
namespace {

using local = boost::asio::local::stream_protocol;
constexpr int kClientTimeoutSeconds = 30;

std::string encode(const ControlAnswer& a) { return std::to_string(a.exit_status) + "\n" + a.output; }

}  // namespace

struct ControlSocket::Impl {
  Impl(boost::asio::io_context& io_context, Handler h) : io(io_context), acceptor(io_context), handler(std::move(h)) {}
  boost::asio::io_context& io;
  local::acceptor acceptor;
  Handler handler;
  std::filesystem::path path;

  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      local::socket s = co_await acceptor.async_accept(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) co_return;
      boost::asio::co_spawn(io, serve(std::move(s)), boost::asio::detached);
    }
  }

  boost::asio::awaitable<void> serve(local::socket s) {
    boost::system::error_code ec;
    std::string line;
    co_await boost::asio::async_read_until(s, boost::asio::dynamic_buffer(line, kMaxControlLine), '\n',
                                           boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    const auto nl = line.find('\n');
    const ControlAnswer answer = nl == std::string::npos
                                     ? ControlAnswer{.exit_status = 2, .output = "request line missing or too long\n"}
                                     : handler(line.substr(0, nl));
    const std::string out = encode(answer);
    co_await boost::asio::async_write(s, boost::asio::buffer(out), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    s.close(ec);
  }
};

ControlSocket::ControlSocket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ControlSocket::~ControlSocket() { close(); }

Result<std::unique_ptr<ControlSocket>> ControlSocket::listen(boost::asio::io_context& io, const std::filesystem::path& path,
                                                             Handler handler) {
  auto impl = std::make_unique<Impl>(io, std::move(handler));
  impl->path = path;
  if (path.string().size() >= sizeof(sockaddr_un::sun_path)) {
    return Error{path.string() + ": control socket path too long for a Unix socket"};
  }
  std::error_code fs_ec;
  std::filesystem::remove(path, fs_ec);
  boost::system::error_code ec;
  const mode_t old = ::umask(0077);  // the socket file is born 0600
  impl->acceptor.open(local(), ec);
  if (!ec) impl->acceptor.bind(local::endpoint(path.string()), ec);
  ::umask(old);
  if (!ec) impl->acceptor.listen(16, ec);
  if (ec) return Error{path.string() + ": control socket: " + ec.message()};
  boost::asio::co_spawn(io, impl->accept_loop(), boost::asio::detached);
  return std::unique_ptr<ControlSocket>(new ControlSocket(std::move(impl)));
}

void ControlSocket::close() {
  if (!impl_ || !impl_->acceptor.is_open()) return;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  std::error_code fs_ec;
  std::filesystem::remove(impl_->path, fs_ec);
}

Result<ControlAnswer> control_request(const std::filesystem::path& path, const std::string& request) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("socket: ") + std::strerror(errno)};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof addr.sun_path) return Error{path.string() + ": path too long"};
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Error{"sealpostd is not running (" + path.string() + ": " + std::strerror(errno) + ")"};
  }
  timeval tv{.tv_sec = kClientTimeoutSeconds, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string line = request + "\n";
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return Error{path.string() + ": " + std::strerror(errno)};
  }
  std::string reply;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
    if (n < 0) return Error{path.string() + ": no answer from sealpostd: " + std::strerror(errno)};
    reply.append(buf, static_cast<std::size_t>(n));
  }
  const auto nl = reply.find('\n');
  if (nl == std::string::npos || nl != 1 || reply[0] < '0' || reply[0] > '2') {
    return Error{path.string() + ": malformed answer from sealpostd"};
  }
  return ControlAnswer{.exit_status = reply[0] - '0', .output = reply.substr(2)};
}

}  // namespace sealpost::mta
