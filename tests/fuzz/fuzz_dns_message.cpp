// Fuzz target: DNS responses (dns/message.h) and what the resolver makes of them. Untrusted:
// every byte a DNS server (or an attacker on the path) sends. Invariants: parsing never
// crashes; every parsed name fits RFC 1035 limits once escapes are counted.
#include <cstdint>
#include <cstdlib>

#include "dns/message.h"
#include "dns/mx_lookup.h"
#include "dns/resolver.h"

namespace {

// Hands the fuzzed message to the resolver as the answer to whatever it asked.
class OneShot : public sealpost::dns::Transport {
 public:
  explicit OneShot(sealpost::Result<sealpost::dns::Message> m) : m_(std::move(m)) {}
  void query(const std::string& name, sealpost::dns::RrType type, Handler handler) override {
    auto m = m_;
    if (m) {
      m->question_name = name;  // as c-ares would have matched it
      m->question_type = static_cast<std::uint16_t>(type);
    }
    pending_.push_back([h = std::move(handler), m]() mutable { h(std::move(m)); });
  }
  void run() {
    for (std::size_t i = 0; i < pending_.size() && i < 64; ++i) pending_[i]();
  }

 private:
  sealpost::Result<sealpost::dns::Message> m_;
  std::vector<std::function<void()>> pending_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost::dns;
  auto m = parse_message({data, size});
  if (!m) return 0;
  for (const auto& rr : m->answers) {
    if (rr.owner.size() > 4 * 255) std::abort();
  }
  OneShot transport(*m);
  Resolver resolver(transport);
  lookup_mx(resolver, "fuzz.example", [](MxResult) {});
  transport.run();
  return 0;
}
