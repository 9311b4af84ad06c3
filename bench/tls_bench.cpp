// STARTTLS handshakes from Sealpost's client to a local Postfix smtpd (bench/run.sh starts
// it with tests/support/smtp-peers.sh): one probe session per iteration — connect, greeting,
// EHLO, STARTTLS, handshake, EHLO, chain + identity verification (required-verify-hosted),
// QUIT — with full handshakes (no session cache) and with resumed ones, against the peer on
// 127.0.0.31 (TLS 1.3 where the client has it) and the 1.2-only one on 127.0.0.51 — and the
// chain validation with the result cache. Loopback only.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "mta/client/smtp_session.h"
#include "tls/pem.h"

namespace {

using namespace sealpost;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) throw std::runtime_error(std::string(name) + " is not set: run bench/run.sh");
  return v;
}

tls::TrustStore test_trust() {
  std::ifstream in(env("SEALPOST_BENCH_PKI") + "/ca-bundle.pem");
  std::stringstream text;
  text << in.rdbuf();
  tls::TrustStore store;
  store.add({.name = "test-ca", .certificates = *tls::read_pem_certificates(text.str(), "ca-bundle.pem")});
  return store;
}

const auto kAt = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));  // 2026-01-01

void BM_StartTlsSession(benchmark::State& state) {
  const bool resume = state.range(0) == 1;
  const bool only12 = state.range(1) == 12;  // the peer restricted to TLS 1.2
  const tls::TrustStore trust = test_trust();
  tls::TlsClientContext tls({.resume_sessions = resume});
  mta::SessionContext ctx{.helo_name = "bench.sealpost.test", .tls = &tls, .trust = &trust, .validation_time = kAt};
  const std::string host = only12 ? "mx-tls12.mail.test" : "mx-name.mail.test";
  mta::SessionRequest req{.target = {.host = host,
                                     .address = boost::asio::ip::make_address(only12 ? "127.0.0.51" : "127.0.0.31"),
                                     .port = static_cast<std::uint16_t>(std::stoi(env("SEALPOST_BENCH_SMTP_PORT")))},
                          .setting = policy::TlsSetting::kRequiredVerifyHosted,
                          .facts = {.recipient_domain = only12 ? "tls12.mail.test" : "mxname.mail.test", .mx_host = host}};
  boost::asio::io_context io;
  std::size_t resumed = 0, verified = 0, tls13 = 0;
  for (auto _ : state) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto r = co_await mta::run_session(ctx, req);
          resumed += r.outcome.tls_resumed;
          verified += r.outcome.trace && r.outcome.trace->verified;
          tls13 += r.outcome.tls_version == "TLS v1.3";
        },
        boost::asio::detached);
    io.restart();
    io.run();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["resumed"] = benchmark::Counter(static_cast<double>(resumed) / static_cast<double>(state.iterations()));
  state.counters["verified"] = benchmark::Counter(static_cast<double>(verified) / static_cast<double>(state.iterations()));
  state.counters["tls13"] = benchmark::Counter(static_cast<double>(tls13) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_StartTlsSession)
    ->ArgsProduct({{0, 1}, {13, 12}})
    ->ArgNames({"resume", "peer"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ChainValidationCached(benchmark::State& state) {
  const tls::TrustStore trust = test_trust();
  std::ifstream in(env("SEALPOST_BENCH_PKI") + "/mx-name-chain.pem");
  std::stringstream text;
  text << in.rdbuf();
  const auto chain = *tls::read_pem_certificates(text.str(), "mx-name-chain.pem");
  for (auto _ : state) benchmark::DoNotOptimize(trust.validate(chain, kAt));
}
BENCHMARK(BM_ChainValidationCached)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
