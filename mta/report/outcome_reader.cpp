// See report_record.h.
#include "mta/report/outcome_reader.h"

#include <nlohmann/json.hpp>

#include "policy/time_format.h"

namespace sealpost::mta {
namespace {

using nlohmann::json;

// A string field, null read as empty (the writer writes null for "none").
bool text(const json& j, const char* key, std::string& out, std::string& error) {
  const auto it = j.find(key);
  if (it == j.end()) {
    error = std::string("no field '") + key + "'";
    return false;
  }
  if (it->is_null()) return true;
  if (!it->is_string()) {
    error = std::string("field '") + key + "' is not a string";
    return false;
  }
  out = it->get<std::string>();
  return true;
}

bool flag(const json& j, const char* key, bool& out, std::string& error, bool required = true) {
  const auto it = j.find(key);
  if (it == j.end()) {
    if (!required) return true;
    error = std::string("no field '") + key + "'";
    return false;
  }
  if (!it->is_boolean()) {
    error = std::string("field '") + key + "' is not true or false";
    return false;
  }
  out = it->get<bool>();
  return true;
}

}  // namespace

Result<OutcomeRecord> parse_outcome_line(std::string_view line) {
  if (line.size() > kMaxRecordLine) return Error{"line longer than " + std::to_string(kMaxRecordLine) + " octets"};
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"not JSON"};
  if (!j.is_object()) return Error{"not a JSON object"};
  OutcomeRecord r;
  std::string e;
  for (const auto& [key, field] : {std::pair{"time", &r.time}, {"queue_id", &r.queue_id}, {"recipient_domain", &r.recipient_domain},
                                   {"destconfig_entry", &r.destconfig_entry}, {"setting", &r.setting}, {"via", &r.via},
                                   {"host", &r.host}, {"ip", &r.ip}, {"stage", &r.stage}, {"starttls", &r.starttls},
                                   {"tls_version", &r.tls_version}, {"tls_cipher", &r.tls_cipher}, {"result", &r.result},
                                   {"status", &r.status}, {"reason", &r.reason}}) {
    if (!text(j, key, *field, e)) return Error{e};
  }
  if (!policy::parse_rfc3339_utc(r.time)) return Error{"field 'time' is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)"};
  if (r.result.empty() || r.setting.empty()) return Error{"empty setting or result"};
  const auto port = j.find("port");
  if (port == j.end() || !port->is_number_unsigned() || port->get<std::uint64_t>() > 65535) {
    return Error{"field 'port' is not a port number"};
  }
  r.port = static_cast<std::uint16_t>(port->get<std::uint64_t>());
  if (!flag(j, "tls_resumed", r.tls_resumed, e)) return Error{e};
  // Written since connection reuse; older records lack it.
  if (!flag(j, "connection_reused", r.connection_reused, e, /*required=*/false)) return Error{e};
  const auto fallback = j.find("fallback");
  if (fallback == j.end() || !(fallback->is_null() || (fallback->is_string() && *fallback == "plaintext"))) {
    return Error{"field 'fallback' is not null or \"plaintext\""};
  }
  r.fallback_plaintext = !fallback->is_null();
  const auto v = j.find("verification");
  if (v == j.end()) return Error{"no field 'verification'"};
  if (!v->is_null()) {
    if (!v->is_object()) return Error{"field 'verification' is not an object"};
    r.has_verification = true;
    if (!flag(*v, "verified", r.verified, e) || !flag(*v, "chain_ok", r.chain_ok, e) || !text(*v, "chain_error", r.chain_error, e) ||
        !text(*v, "anchor", r.anchor, e) || !text(*v, "rules", r.rules, e) || !text(*v, "rule", r.rule, e)) {
      return Error{"verification: " + e};
    }
    for (const auto& [key, list, member] : {std::tuple{"presented", &r.presented, "raw"}, {"ref_ids", &r.ref_ids, "value"}}) {
      const auto a = v->find(key);
      if (a == v->end() || !a->is_array()) return Error{std::string("verification: field '") + key + "' is not a list"};
      for (const auto& item : *a) {
        const auto m = item.is_object() ? item.find(member) : item.end();
        if (!item.is_object() || m == item.end() || !m->is_string()) {
          return Error{std::string("verification: an entry of '") + key + "' has no '" + member + "'"};
        }
        list->push_back(m->get<std::string>());
      }
    }
  }
  return r;
}

}  // namespace sealpost::mta
