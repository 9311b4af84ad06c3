// TLS outcome record as one JSON line (see tls_outcome.h).
#include "mta/report/tls_outcome.h"

#include <nlohmann/json.hpp>

#include "mta/report/trace_render.h"

namespace sealpost::mta {

std::string to_json_line(const TlsOutcome& o) {
  using nlohmann::json;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json j = {
      {"time", o.time},
      {"queue_id", text_or_null(o.queue_id)},
      {"recipient_domain", o.recipient_domain},
      {"destconfig_entry", text_or_null(o.destconfig_entry)},
      {"setting", std::string(to_string(o.setting))},
      {"via", o.via},
      {"host", o.host},
      {"ip", o.ip},
      {"port", o.port},
      {"stage", o.stage},
      {"starttls", o.starttls},
      {"tls_version", text_or_null(o.tls_version)},
      {"tls_cipher", text_or_null(o.tls_cipher)},
      {"tls_resumed", o.tls_resumed},
      {"connection_reused", o.connection_reused},
      {"verification", o.trace ? trace_to_json(*o.trace) : json(nullptr)},
      {"fallback", o.fallback_plaintext ? json("plaintext") : json(nullptr)},
      {"result", o.result},
      {"status", text_or_null(o.status)},
      {"reason", o.reason},
  };
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string tls_summary(const TlsOutcome& o) {
  if (o.tls_version.empty()) return "none";
  if (!o.trace) return "encrypted";
  const auto& t = *o.trace;
  if (!t.verified) return "encrypted, unverified";
  return "verified(" + std::string(to_string(t.rules)) + ", " + t.identity.rule + ")";
}

}  // namespace sealpost::mta
