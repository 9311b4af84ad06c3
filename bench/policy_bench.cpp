// Micro-benchmarks of the policy core and chain validation: what each outbound connection
// pays for its TLS decision. Chain validation needs the test PKI: set SEALPOST_BENCH_PKI to a
// directory made by tests/pki/make-test-pki.sh (bench/run.sh does).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "policy/destconfig.h"
#include "policy/verification.h"
#include "tls/chain_validator.h"
#include "tls/pem.h"
#include "tls/trust_store.h"

namespace {

using namespace sealpost;

const policy::DeliveryFacts kFacts{
    .recipient_domain = "example.com",
    .mx_host = "mx01.subd.emailhosted.not",
    .connected_ip = policy::IpAddress::parse("192.0.2.1"),
    .ptr = {{.name = "mx0a.emailhosted.not", .addresses = {*policy::IpAddress::parse("192.0.2.1")}}},
    .route_hosts = {}};
const policy::CertificateNames kCert{
    .dns_names = {"*.emailhosted.not", "emailhosted.not"}, .common_names = {"*.emailhosted.not"}, .ip_addresses = {}};

void BM_IdentityDecision(benchmark::State& state) {
  const auto setting = static_cast<policy::TlsSetting>(state.range(0));
  for (auto _ : state) {
    auto t = policy::verify_certificate(
        setting, {.ok = true, .anchor = "a", .anchor_subject = {}, .error = {}, .error_subject = {}}, kCert, kFacts);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_IdentityDecision)
    ->Arg(static_cast<int>(policy::TlsSetting::kRequiredVerify))
    ->Arg(static_cast<int>(policy::TlsSetting::kRequiredVerifyHosted));

void BM_DestconfigLookup(benchmark::State& state) {
  policy::DestConfig config;
  const auto n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; ++i) {
    (void)config.add((i % 2 ? "." : "") + ("d" + std::to_string(i) + ".example"), {.tls = policy::TlsSetting::kRequiredVerify});
  }
  int i = 0;
  for (auto _ : state) {
    // Half hit a subdomain entry, half fall through to default.
    auto e = config.lookup("mx.d" + std::to_string(i++ % (2 * n)) + ".example");
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_DestconfigLookup)->Arg(10000);

std::vector<tls::Certificate> read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  auto certs = tls::read_pem_certificates(s.str(), path);
  if (!certs) std::abort();
  return *certs;
}

void BM_ChainValidation(benchmark::State& state) {
  const char* dir = std::getenv("SEALPOST_BENCH_PKI");
  if (!dir) {
    state.SkipWithError("set SEALPOST_BENCH_PKI");
    return;
  }
  tls::TrustStore store;
  store.add({.name = "root", .certificates = read(std::string(dir) + "/root.pem")});
  // Arg 1: the system CA bundle as well, as a default installation has it (~140 anchors).
  if (state.range(0) == 1 && !store.load_system_bundle()) state.SkipWithError("no system bundle");
  const auto chain = read(std::string(dir) + "/hosted-chain.pem");
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  for (auto _ : state) {
    // The validator itself: TrustStore::validate would answer from its cache after the
    // first iteration (tls_bench measures that).
    auto r = tls::validate_chain(chain, store.trustpoints(), at);
    if (!r.ok) state.SkipWithError(r.error.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ChainValidation)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Hostile input, from bench/make-pathological-pki.sh: arg 0, a leaf whose issuer's subject
// is shared by 15 presented certificates and 100 anchors, none of them its signer (refused
// when the signature budget runs out); arg 1, a root with 1,000 permitted dNSName subtrees
// and a leaf with 100 names in the last of them (100,000 comparisons, accepted).
void BM_ChainValidationPathological(benchmark::State& state) {
  const char* dir = std::getenv("SEALPOST_BENCH_PATHOLOGICAL");
  if (!dir) {
    state.SkipWithError("set SEALPOST_BENCH_PATHOLOGICAL");
    return;
  }
  const bool crowd = state.range(0) == 0;
  tls::TrustStore store;
  store.add({.name = "anchors", .certificates = read(std::string(dir) + (crowd ? "/crowd-anchors.pem" : "/nc-root.pem"))});
  const auto chain = read(std::string(dir) + (crowd ? "/crowd-chain.pem" : "/nc-leaf.pem"));
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  for (auto _ : state) {
    auto r = tls::validate_chain(chain, store.trustpoints(), at);
    if (r.ok == crowd) state.SkipWithError(r.ok ? "accepted a chain no anchor signed" : r.error.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ChainValidationPathological)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
