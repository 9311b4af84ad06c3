// See debug_log.h.
#include "mta/daemon/debug_log.h"

#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

std::string where(const TlsOutcome& o) { return o.host + "[" + o.ip + "]:" + std::to_string(o.port); }

}  // namespace

void LoggingTransport::query(const std::string& name, dns::RrType type, Handler handler) {
  const std::string asked = policy::escape_for_display(name) + " " + std::string(dns::to_string(type));
  log_("query " + asked);
  inner_.query(name, type, [log = log_, asked, handler = std::move(handler)](Result<dns::Message> m) {
    if (!m) {
      log("answer " + asked + ": " + m.error().message);
    } else {
      log("answer " + asked + ": rcode " + std::to_string(static_cast<int>(m->rcode)) + ", " + std::to_string(m->answers.size()) +
          " record(s)" + (m->authenticated_data ? ", AD" : "") + (m->truncated ? ", truncated" : ""));
    }
    handler(std::move(m));
  });
}

std::string describe_tls(const TlsOutcome& o) {
  std::string out = where(o) + " STARTTLS " + std::string(to_string(o.starttls));
  if (!o.tls_version.empty()) {
    out += ", " + o.tls_version + " " + o.tls_cipher + (o.tls_key_exchange.empty() ? "" : " " + o.tls_key_exchange) +
           (o.tls_resumed ? ", resumed" : ", full handshake");
  }
  if (o.connection_reused) out += ", reused connection";
  if (o.fallback_plaintext) out += ", clear retry";
  return out;
}

std::string describe_pki(const TlsOutcome& o) {
  if (!o.trace) return "";
  const auto& t = *o.trace;
  std::string out =
      where(o) + " chain " + (t.chain.ok ? "ok, anchor " + t.chain.anchor : "failed: " + t.chain.error) + "; presented";
  for (const auto& p : t.presented) out += " " + p.raw;
  out += "; REF-IDs";
  for (const auto& r : t.ref_ids) out += " " + r.value;
  return out + "; " + t.verdict;
}

std::string describe_dane(const TlsOutcome& o) {
  if (!o.dane) return "";
  const auto& d = *o.dane;
  std::string out = where(o) + " DANE " + std::string(policy::to_string(d.state)) + (d.half ? " (half)" : "") + ", MX " +
                    (d.mx_secure ? "secure" : "insecure");
  if (!d.tlsa_base.empty()) out += ", TLSA base " + d.tlsa_base + " (" + std::string(policy::to_string(d.tlsa)) + ")";
  out += ", " + std::to_string(d.records.size()) + " record(s)";
  return out + "; " + d.reason;
}

std::string describe_sts(const TlsOutcome& o) {
  if (!o.mta_sts) return "";
  const auto& m = *o.mta_sts;
  std::string out = where(o) + " MTA-STS " + m.policy_domain + " id " + m.id + " mode " + std::string(policy::to_string(m.mode)) +
                    (m.enforced ? " enforced" : " not enforced") + ", " + m.origin + " " + std::to_string(m.cache_age) +
                    " s old, mx";
  for (const auto& p : m.mx) out += " " + p;
  return out + "; " + std::string(policy::to_string(m.result)) + (m.reason.empty() ? "" : ": " + m.reason);
}

std::string describe_smtp(const TlsOutcome& o) {
  return where(o) + " " + o.via + " stage " + std::string(to_string(o.stage)) + ", " + std::string(to_string(o.result)) +
         (o.status.empty() ? "" : " " + o.status) + (o.reason.empty() ? "" : ": " + o.reason);
}

}  // namespace sealpost::mta
