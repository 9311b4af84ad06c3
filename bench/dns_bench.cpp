// DNS throughput against a local nsd (started by bench/run.sh; port in SEALPOST_BENCH_NSD_PORT)
// with 1, 100 and 1000 lookups in flight, each for a distinct name so the cache and in-flight
// collapsing do not hide the work; and the cost of a cache hit.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "asio/asio.h"
#include "dns/cares_transport.h"
#include "dns/resolver.h"

namespace {

using namespace sealpost::dns;

void BM_LookupsInFlight(benchmark::State& state) {
  const char* port = std::getenv("SEALPOST_BENCH_NSD_PORT");
  if (!port) {
    state.SkipWithError("set SEALPOST_BENCH_NSD_PORT (bench/run.sh does)");
    return;
  }
  boost::asio::io_context io;
  auto transport = CaresTransport::create(io, {.servers = {std::string("127.0.0.1:") + port}});
  if (!transport) {
    state.SkipWithError(transport.error().message.c_str());
    return;
  }
  Resolver resolver(**transport);
  const auto in_flight = static_cast<int>(state.range(0));
  constexpr int kPerIteration = 5000;
  static std::uint64_t serial = 0;
  std::uint64_t failures = 0;
  for (auto _ : state) {
    int started = 0, done = 0;
    std::function<void()> start_one = [&] {
      ++started;
      resolver.lookup("b" + std::to_string(serial++) + ".sealpost.test", RrType::kA, [&](const LookupResult& r) {
        failures += r.status == LookupStatus::kTemporaryFailure;
        ++done;
        if (started < kPerIteration) start_one();
      });
    };
    for (int i = 0; i < in_flight && started < kPerIteration; ++i) start_one();
    while (done < kPerIteration) io.run_one();
  }
  state.counters["lookups/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kPerIteration, benchmark::Counter::kIsRate);
  state.counters["temp_failures"] = static_cast<double>(failures);
}
BENCHMARK(BM_LookupsInFlight)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

class CachedOnly : public Transport {
 public:
  void query(const std::string& name, RrType type, Handler handler) override {
    Message m;
    m.response = true;
    m.question_name = name;
    m.question_type = static_cast<std::uint16_t>(type);
    m.answers.push_back({.owner = name, .type = 1, .ttl = 3600, .data = *sealpost::policy::IpAddress::parse("192.0.2.1")});
    handler(std::move(m));  // synchronous: only for filling the cache here
  }
};

void BM_CacheHit(benchmark::State& state) {
  CachedOnly transport;
  Resolver resolver(transport);
  resolver.lookup("mx1.example.com", RrType::kA, [](const LookupResult&) {});
  for (auto _ : state) {
    resolver.lookup("mx1.example.com", RrType::kA, [](const LookupResult& r) { benchmark::DoNotOptimize(r); });
  }
}
BENCHMARK(BM_CacheHit);

}  // namespace

BENCHMARK_MAIN();
