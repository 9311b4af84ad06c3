// Micro-benchmarks of what the relay does per message besides TLS (issue "benchmark"): SMTP
// reply parsing (client side: an EHLO reply and a one-line 250), the inbound command side (a
// whole pipelined transaction through InboundSession), TLS outcome record writing (one JSON
// line with a verification trace) and reading it back (sealpost report).
#include <benchmark/benchmark.h>

#include "mta/report/outcome_reader.h"
#include "mta/report/tls_outcome.h"
#include "mta/server/inbound_session.h"
#include "mta/smtp/reply.h"
#include "policy/verification.h"

namespace {

using namespace sealpost;

void BM_ReplyParseEhlo(benchmark::State& state) {
  const std::vector<std::string> lines = {"250-mx.example.com",      "250-PIPELINING", "250-SIZE 10240000", "250-STARTTLS",
                                          "250-ENHANCEDSTATUSCODES", "250-8BITMIME",   "250 SMTPUTF8"};
  for (auto _ : state) {
    mta::ReplyParser p;
    Result<std::optional<mta::Reply>> r = std::optional<mta::Reply>{};
    for (const auto& l : lines) r = p.feed(l);
    auto caps = mta::parse_ehlo(**r);
    benchmark::DoNotOptimize(caps);
  }
}
BENCHMARK(BM_ReplyParseEhlo);

void BM_ReplyParseOk(benchmark::State& state) {
  for (auto _ : state) {
    mta::ReplyParser p;
    auto r = p.feed("250 2.0.0 Ok: queued as 4XyZ12");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ReplyParseOk);

// EHLO, MAIL, RCPT, DATA, 4 KiB of content in 53 lines, the final dot: the inbound session's
// work for one message, without I/O and without the spool.
void BM_InboundTransaction(benchmark::State& state) {
  const std::string body_line(76, 'x');
  for (auto _ : state) {
    mta::InboundSession s({.hostname = "relay.test"}, {.address = "127.0.0.1", .relay_allowed = true});
    s.on_line("EHLO client.test");
    s.on_line("MAIL FROM:<sender@client.test> SIZE=4300");
    s.on_line("RCPT TO:<rcpt@example.com>");
    s.on_line("DATA");
    s.on_line("Subject: bench");
    s.on_line("");
    for (int i = 0; i < 52; ++i) s.on_line(body_line);
    auto end = s.on_line(".");
    benchmark::DoNotOptimize(end);
  }
}
BENCHMARK(BM_InboundTransaction);

mta::TlsOutcome outcome() {
  const policy::DeliveryFacts facts{.recipient_domain = "example.com",
                                    .mx_host = "mx1.example.com",
                                    .connected_ip = policy::IpAddress::parse("192.0.2.1"),
                                    .ptr = {},
                                    .route_hosts = {}};
  const policy::CertificateNames cert{.dns_names = {"mx1.example.com"}, .common_names = {"mx1.example.com"}, .ip_addresses = {}};
  auto trace = policy::verify_certificate(
      policy::TlsSetting::kRequiredVerify,
      {.ok = true, .anchor = "system", .anchor_subject = {}, .error = {}, .error_subject = {}}, cert, facts);
  return {.time = "2026-11-22T10:00:00Z",
          .queue_id = "0123456789ABCDEF",
          .recipient_domain = "example.com",
          .destconfig_entry = "default",
          .setting = policy::TlsSetting::kRequiredVerify,
          .via = "mx",
          .host = "mx1.example.com",
          .ip = "192.0.2.1",
          .port = 25,
          .stage = mta::OutcomeStage::kQuit,
          .starttls = mta::StartTls::kOk,
          .tls_version = "TLS v1.2",
          .tls_cipher = "ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          .trace = *trace,
          .result = mta::OutcomeResult::kSent,
          .status = "2.0.0"};
}

void BM_OutcomeRecordWrite(benchmark::State& state) {
  const auto o = outcome();
  for (auto _ : state) {
    auto line = mta::to_json_line(o);
    benchmark::DoNotOptimize(line);
  }
}
BENCHMARK(BM_OutcomeRecordWrite);

void BM_OutcomeRecordRead(benchmark::State& state) {
  const auto line = mta::to_json_line(outcome());
  for (auto _ : state) {
    auto r = mta::parse_outcome_line(line);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_OutcomeRecordRead);

}  // namespace

BENCHMARK_MAIN();
