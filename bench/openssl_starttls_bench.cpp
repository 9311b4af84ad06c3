// The STARTTLS session of BM_StartTlsSession (tls_bench.cpp) with an OpenSSL client instead of
// Sealpost's (issue 17: "the TLS client cost against an OpenSSL client"), in the same binary
// so that one run measures both against the same Postfix peer: connect, greeting, EHLO,
// STARTTLS, handshake with the chain verified against the test CA at the same validation time
// and the certificate matched against the MX host name (X509_VERIFY_PARAM_set1_host), EHLO,
// QUIT. Full handshakes (no session kept) or resumed ones (a ticket or session ID the
// server gave earlier).
// OpenSSL 3.0 is Debian 12's libssl — what Postfix, Exim's OpenSSL builds and OpenSMTPD use;
// it is here only as the yardstick, never in the product (Botan stays under tls/).
// Blocking sockets, the simplest correct client; TCP_NODELAY as Sealpost's client sets it.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) throw std::runtime_error(std::string(name) + " is not set: run bench/run.sh");
  return v;
}

// Reads one SMTP reply (its last line has a space after the code); false on EOF or error.
bool read_reply(const std::function<int(char*, int)>& read, std::string& buffer) {
  for (;;) {
    std::size_t start = 0;
    for (auto end = buffer.find("\r\n", start); end != std::string::npos; end = buffer.find("\r\n", start)) {
      const bool last = end - start >= 4 && buffer[start + 3] == ' ';
      start = end + 2;
      if (last) {
        buffer.erase(0, start);
        return true;
      }
    }
    char chunk[4096];
    const int n = read(chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

// The newest session the server gave, from OpenSSL's new-session callback (a TLS 1.3 ticket
// arrives after the handshake), offered until a newer one comes: the way a client keeps
// sessions to resume.
SSL_SESSION* g_newest = nullptr;
int keep_newest(SSL*, SSL_SESSION* session) {
  if (g_newest) SSL_SESSION_free(g_newest);
  g_newest = session;
  return 1;  // we hold the reference
}
void drop_session() {
  if (g_newest) SSL_SESSION_free(g_newest);
  g_newest = nullptr;
}

struct Outcome {
  bool ok = false, resumed = false, verified = false, tls13 = false;
};

Outcome openssl_session(SSL_CTX* ctx, const std::string& address, int port, const std::string& host) {
  Outcome out;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return out;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string buffer;
  const auto plain_read = [fd](char* p, int n) { return static_cast<int>(::read(fd, p, static_cast<std::size_t>(n))); };
  const auto plain_write = [fd](const std::string& s) {
    return ::write(fd, s.data(), s.size()) == static_cast<ssize_t>(s.size());
  };
  SSL* ssl = nullptr;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 && read_reply(plain_read, buffer) &&
      plain_write("EHLO bench.openssl.test\r\n") && read_reply(plain_read, buffer) && plain_write("STARTTLS\r\n") &&
      read_reply(plain_read, buffer)) {
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, host.c_str());
    SSL_set1_host(ssl, host.c_str());
    if (g_newest) SSL_set_session(ssl, g_newest);
    const auto tls_read = [ssl](char* p, int n) { return SSL_read(ssl, p, n); };
    const auto tls_write = [ssl](const std::string& s) { return SSL_write(ssl, s.data(), static_cast<int>(s.size())) > 0; };
    if (SSL_connect(ssl) == 1 && tls_write("EHLO bench.openssl.test\r\n") && read_reply(tls_read, buffer) &&
        tls_write("QUIT\r\n") && read_reply(tls_read, buffer)) {
      out.ok = true;
      out.resumed = SSL_session_reused(ssl) == 1;
      out.verified = SSL_get_verify_result(ssl) == X509_V_OK;
      out.tls13 = SSL_version(ssl) == TLS1_3_VERSION;
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  ::close(fd);
  ERR_clear_error();
  return out;
}

void BM_OpenSslStartTlsSession(benchmark::State& state) {
  const bool resume = state.range(0) == 1;
  const bool only12 = state.range(1) == 12;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, (env("SEALPOST_BENCH_PKI") + "/ca-bundle.pem").c_str(), nullptr) != 1) {
    state.SkipWithError("cannot load the test CA");
    return;
  }
  // The validation time of BM_StartTlsSession, so that both check the same thing.
  X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(ctx), 1767225600);  // 2026-01-01
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx, keep_newest);
  const std::string host = only12 ? "mx-tls12.mail.test" : "mx-name.mail.test";
  const std::string address = only12 ? "127.0.0.51" : "127.0.0.31";
  const int port = std::stoi(env("SEALPOST_BENCH_SMTP_PORT"));
  std::size_t failed = 0, resumed = 0, verified = 0, tls13 = 0;
  for (auto _ : state) {
    const Outcome o = openssl_session(ctx, address, port, host);
    if (!resume) drop_session();
    failed += !o.ok;
    resumed += o.resumed;
    verified += o.verified;
    tls13 += o.tls13;
  }
  drop_session();
  SSL_CTX_free(ctx);
  if (failed) state.SkipWithError((std::to_string(failed) + " sessions failed").c_str());
  const auto per = [&](std::size_t n) {
    return benchmark::Counter(static_cast<double>(n) / static_cast<double>(state.iterations()));
  };
  state.SetItemsProcessed(state.iterations());
  state.counters["resumed"] = per(resumed);
  state.counters["verified"] = per(verified);
  state.counters["tls13"] = per(tls13);
}
BENCHMARK(BM_OpenSslStartTlsSession)
    ->ArgsProduct({{0, 1}, {13, 12}})
    ->ArgNames({"resume", "peer"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
