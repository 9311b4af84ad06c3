// The daemon's control socket (a Unix stream socket in the spool, mode 0600): one request
// line in, one answer out, then the connection closes. `sealpost queue|reload|status` speak
// it. Answer: a first line with the exit status the command should return, then its output.
// Untrusted only in the sense of "any local process of the spool's owner": a request line is
// bounded (kMaxControlLine) and an unknown request gets an error answer.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "asio/asio.h"
#include "policy/result.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxControlLine = 4096;

struct ControlAnswer {
  int exit_status = 0;  // 0 ok, 1 "no" / refused, 2 bad request
  std::string output;
};

class ControlSocket {
 public:
  using Handler = std::function<ControlAnswer(const std::string& request)>;
  // Replaces a stale socket file (the spool lock says no other daemon owns it).
  static Result<std::unique_ptr<ControlSocket>> listen(boost::asio::io_context& io, const std::filesystem::path& path,
                                                       Handler handler);
  ~ControlSocket();
  void close();

  struct Impl;

 private:
  explicit ControlSocket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The client side: sends `request`, returns the answer; an error when no daemon listens.
Result<ControlAnswer> control_request(const std::filesystem::path& path, const std::string& request);

}  // namespace sealpost::mta
