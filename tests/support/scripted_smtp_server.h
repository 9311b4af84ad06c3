// A scripted SMTP server for what Postfix will not do on request: STARTTLS answered 454 or
// 502, a 220 with injected bytes in the same packet, garbage instead of a TLS handshake, a
// close in the middle of DATA, odd replies. It listens on a loopback address at a free port;
// each accepted connection runs the script on the server's thread with blocking sockets and
// a receive timeout, and everything received is kept for the test to inspect.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace sealpost::test {

class ScriptedPeer {
 public:
  explicit ScriptedPeer(int fd) : fd_(fd) {}
  void send(const std::string& bytes) { (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // One line without CRLF, or nullopt when the client closed or went quiet for 5 s.
  std::optional<std::string> line() {
    for (;;) {
      if (auto lf = buffer_.find('\n'); lf != std::string::npos) {
        std::string l = buffer_.substr(0, lf);
        buffer_.erase(0, lf + 1);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        return l;
      }
      if (!fill()) return std::nullopt;
    }
  }
  // Reads the DATA body up to the lone "." line.
  std::optional<std::string> data() {
    std::string body;
    for (;;) {
      auto l = line();
      if (!l) return std::nullopt;
      if (*l == ".") return body;
      body += *l + "\n";
    }
  }
  // Raw bytes, at least one read (a TLS ClientHello, say).
  std::string raw() {
    if (buffer_.empty()) fill();
    return std::exchange(buffer_, {});
  }
  const std::string& received() const { return received_; }
  // Hangs up now, mid-conversation.
  void close() {
    ::shutdown(fd_, SHUT_RDWR);
    closed_ = true;
  }
  bool closed() const { return closed_; }

 private:
  bool fill() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    received_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  bool closed_ = false;
  std::string buffer_;
  std::string received_;
};

class ScriptedSmtpServer {
 public:
  using Script = std::function<void(ScriptedPeer&)>;

  ScriptedSmtpServer(const std::string& address, Script script, int sessions = 1) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &a.sin_addr);
    socklen_t len = sizeof a;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("scripted server cannot listen on " + address);
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, sessions] {
      for (int i = 0; i < sessions; ++i) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) return;
        timeval tv{.tv_sec = 5, .tv_usec = 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ScriptedPeer peer(fd);
        script_(peer);
        // Drain what the client still says (QUIT, a close_notify) before closing.
        while (!peer.closed() && peer.line()) {
        }
        ::close(fd);
        std::lock_guard lock(mutex_);
        transcripts_.push_back(peer.received());
        stored_.notify_all();
      }
    });
  }
  ~ScriptedSmtpServer() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::uint16_t port() const { return port_; }
  // What each finished session received, in order, once `sessions` of them have finished
  // (waiting at most 10 s).
  std::vector<std::string> transcripts(std::size_t sessions) {
    std::unique_lock lock(mutex_);
    stored_.wait_for(lock, std::chrono::seconds(10), [&] { return transcripts_.size() >= sessions; });
    return transcripts_;
  }

 private:
  Script script_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable stored_;
  std::vector<std::string> transcripts_;
};

// The usual opening: greeting, then EHLO answered with the given keywords.
inline bool greet(ScriptedPeer& p, const std::string& keywords = "250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n") {
  p.send("220 scripted.test ESMTP\r\n");
  auto ehlo = p.line();
  if (!ehlo) return false;
  p.send("250-scripted.test\r\n" + keywords);
  return true;
}

}  // namespace sealpost::test
