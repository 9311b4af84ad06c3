// Fuzz target: TLSA answers (RFC 6698 §2.1 RDATA inside a DNS response) through the DANE path:
// dns/ parses them, dns/tlsa_lookup classifies the answers of a host's A/AAAA/CNAME/TLSA
// lookups, tls/ judges each record's usability and matches the usable ones against a chain
// made of whatever association data parses as a certificate (so hostile DER reaches the
// DANE-TA path too). Untrusted: every byte. Invariants: no crash; a usable record is never one
// that unusable() refuses.
#include <chrono>
#include <cstdint>
#include <cstdlib>

#include "dns/message.h"
#include "dns/tlsa_lookup.h"
#include "tls/tlsa_match.h"

namespace {

// Hands the fuzzed message to the resolver as the answer to whatever it asked.
class OneShot : public sealpost::dns::Transport {
 public:
  explicit OneShot(sealpost::dns::Message m) : m_(std::move(m)) {}
  void query(const std::string& name, sealpost::dns::RrType type, Handler handler) override {
    auto m = m_;
    m.question_name = name;
    m.question_type = static_cast<std::uint16_t>(type);
    pending_.push_back([h = std::move(handler), m]() mutable { h(std::move(m)); });
  }
  void run() {
    for (std::size_t i = 0; i < pending_.size() && i < 64; ++i) pending_[i]();
  }

 private:
  sealpost::dns::Message m_;
  std::vector<std::function<void()>> pending_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost;
  auto m = dns::parse_message({data, size});
  if (!m) return 0;
  std::vector<tls::TlsaRecord> records;
  std::vector<tls::Certificate> chain;
  for (const auto& rr : m->answers) {
    const auto* t = std::get_if<dns::TlsaData>(&rr.data);
    if (!t) continue;
    records.push_back({.usage = t->usage, .selector = t->selector, .matching_type = t->matching_type, .data = t->association});
    if (auto c = tls::Certificate::from_der(t->association); c && chain.size() < 4) chain.push_back(*c);
  }
  const auto usable = tls::usable_records(records);
  for (const auto& r : usable) {
    if (tls::unusable(r)) std::abort();
  }
  (void)tls::match_tlsa(usable, chain, std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000)));
  OneShot transport(*m);
  dns::Resolver resolver(transport);
  dns::lookup_tlsa(resolver, "mx.fuzz.example", 25, [](dns::TlsaLookupResult) {});
  transport.run();
  return 0;
}
