// How a DNS query reaches a server: one query out, one parsed response (or the reason there
// is none) back, asynchronously. CaresTransport is the real one; tests use a fake. A
// transport error always means a temporary failure: it never says a name does not exist.
#pragma once

#include <functional>
#include <string>

#include "dns/message.h"
#include "policy/result.h"

namespace sealpost::dns {

class Transport {
 public:
  using Handler = std::function<void(Result<Message>)>;
  virtual ~Transport() = default;
  // The handler is called exactly once, never from inside query().
  virtual void query(const std::string& name, RrType type, Handler handler) = 0;
};

}  // namespace sealpost::dns
