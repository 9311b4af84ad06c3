// A Transport double for unit tests: answers are programmed per (name, type), queries are
// counted, and handlers run only when the test calls deliver() (never inside query()).
#pragma once

#include <deque>
#include <map>
#include <utility>

#include "dns/transport.h"

namespace sealpost::dns::test {

inline ResourceRecord rr(std::string owner, RrType type, std::uint32_t ttl, decltype(ResourceRecord::data) data) {
  return {.owner = std::move(owner), .type = static_cast<std::uint16_t>(type), .ttl = ttl, .data = std::move(data)};
}
inline ResourceRecord a(std::string owner, const char* ip, std::uint32_t ttl = 300) {
  return rr(std::move(owner), RrType::kA, ttl, *policy::IpAddress::parse(ip));
}
inline ResourceRecord mx(std::string owner, std::uint16_t pref, std::string exchange, std::uint32_t ttl = 300) {
  return rr(std::move(owner), RrType::kMx, ttl, MxData{.preference = pref, .exchange = std::move(exchange)});
}
inline ResourceRecord cname(std::string owner, std::string target, std::uint32_t ttl = 300) {
  return rr(std::move(owner), RrType::kCname, ttl, std::move(target));
}
inline ResourceRecord soa(std::string owner, std::uint32_t ttl, std::uint32_t minimum) {
  return rr(std::move(owner), RrType::kSoa, ttl, SoaData{.minimum = minimum});
}

inline Message reply(std::string name, RrType type, std::vector<ResourceRecord> answers, Rcode rcode = Rcode::kNoError,
                     std::vector<ResourceRecord> authority = {}, bool ad = false) {
  Message m;
  m.response = true;
  m.rcode = rcode;
  m.authenticated_data = ad;
  m.question_name = std::move(name);
  m.question_type = static_cast<std::uint16_t>(type);
  m.answers = std::move(answers);
  m.authority = std::move(authority);
  return m;
}

class FakeTransport : public Transport {
 public:
  void answer(const std::string& name, RrType type, Result<Message> r) {
    answers_.insert_or_assign({name, static_cast<std::uint16_t>(type)}, std::move(r));
  }
  void query(const std::string& name, RrType type, Handler handler) override {
    ++queries;
    const auto it = answers_.find({name, static_cast<std::uint16_t>(type)});
    Result<Message> r = it != answers_.end() ? it->second : Result<Message>(reply(name, type, {}, Rcode::kNxDomain));
    queue_.emplace_back(std::move(handler), std::move(r));
  }
  // Runs queued handlers, including those queued by handlers.
  void deliver() {
    while (!queue_.empty()) {
      auto [h, r] = std::move(queue_.front());
      queue_.pop_front();
      h(std::move(r));
    }
  }
  int queries = 0;

 private:
  std::map<std::pair<std::string, std::uint16_t>, Result<Message>> answers_;
  std::deque<std::pair<Handler, Result<Message>>> queue_;
};

}  // namespace sealpost::dns::test
