// See outcome_reader.h.
#include "mta/report/outcome_reader.h"

#include <nlohmann/json.hpp>

#include "policy/time_format.h"

namespace sealpost::mta {
namespace {

using nlohmann::json;

// A string field, null read as empty (the writer writes null for "none").
bool text(const json& j, const char* key, std::string& out, std::string& error, bool required = true) {
  const auto it = j.find(key);
  if (it == j.end()) {
    if (!required) return true;
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

// A string field that must be one of an enum's names.
template <class E, class Parse>
bool named(const json& j, const char* key, E& out, Parse parse, std::string& error) {
  std::string s;
  if (!text(j, key, s, error)) return false;
  const std::optional<E> e = parse(s);
  if (!e) {
    error = std::string("field '") + key + "' is not a known " + key + (s.empty() ? "" : ": '" + s.substr(0, 40) + "'");
    return false;
  }
  out = *e;
  return true;
}

// A list field (null is not a list).
const json* list_field(const json& v, const char* key, std::string& error) {
  const auto a = v.find(key);
  if (a != v.end() && a->is_array()) return &*a;
  error = std::string("field '") + key + "' is not a list";
  return nullptr;
}

// The string `member` of an entry of the list `key`.
bool entry_text(const json& item, const char* key, const char* member, std::string& out, std::string& error) {
  const auto m = item.is_object() ? item.find(member) : item.end();
  if (!item.is_object() || m == item.end() || !m->is_string()) {
    error = std::string("an entry of '") + key + "' has no '" + member + "'";
    return false;
  }
  out = m->get<std::string>();
  return true;
}

// The verification object: what the report needs of the trace (see outcome_reader.h).
Result<policy::VerificationTrace> verification(const json& v, policy::TlsSetting setting) {
  if (!v.is_object()) return Error{"field 'verification' is not an object"};
  policy::VerificationTrace t{.setting = setting};
  std::string e;
  if (!flag(v, "verified", t.verified, e) || !flag(v, "chain_ok", t.chain.ok, e) || !text(v, "chain_error", t.chain.error, e) ||
      !text(v, "anchor", t.chain.anchor, e) || !text(v, "rule", t.identity.rule, e) ||
      !text(v, "chain_error_certificate", t.chain.error_subject, e, /*required=*/false) ||
      !named(v, "rules", t.rules, policy::parse_identity_rules, e)) {
    return Error{"verification: " + e};
  }
  t.identity.matched = !t.identity.rule.empty();
  const auto depth = v.find("chain_error_depth");
  if (depth != v.end() && depth->is_number_integer()) t.chain.error_depth = depth->get<int>();
  const json* presented = list_field(v, "presented", e);
  if (!presented) return Error{"verification: " + e};
  for (const auto& item : *presented) {
    policy::PresentedId p{.kind = policy::PresentedKind::kDnsId};
    if (!entry_text(item, "presented", "raw", p.raw, e)) return Error{"verification: " + e};
    if (!named(item, "type", p.kind, policy::parse_presented_kind, e) || !text(item, "value", p.value, e, false) ||
        !text(item, "malformed", p.malformed, e, false)) {
      return Error{"verification: an entry of 'presented': " + e};
    }
    t.presented.push_back(std::move(p));
  }
  const json* ref_ids = list_field(v, "ref_ids", e);
  if (!ref_ids) return Error{"verification: " + e};
  for (const auto& item : *ref_ids) {
    policy::ReferenceId r{.source = policy::RefSource::kRecipientDomain};
    if (!entry_text(item, "ref_ids", "value", r.value, e)) return Error{"verification: " + e};
    if (!named(item, "source", r.source, policy::parse_ref_source, e) || !flag(item, "trusted", r.trusted, e, false) ||
        !text(item, "note", r.note, e, false)) {
      return Error{"verification: an entry of 'ref_ids': " + e};
    }
    t.ref_ids.push_back(std::move(r));
  }
  return t;
}

// A list of strings.
bool string_list(const json& v, const char* key, std::vector<std::string>& out, std::string& error) {
  const json* list = list_field(v, key, error);
  if (!list) return false;
  for (const auto& item : *list) {
    if (!item.is_string()) {
      error = std::string("an entry of '") + key + "' is not a string";
      return false;
    }
    out.push_back(item.get<std::string>());
  }
  return true;
}

// The dane object (mta/report/dane_render.h writes it).
Result<policy::DaneTrace> dane(const json& v) {
  if (!v.is_object()) return Error{"field 'dane' is not an object"};
  policy::DaneTrace t;
  std::string e;
  if (!named(v, "state", t.state, policy::parse_dane_state, e) ||
      !named(v, "tlsa_answer", t.tlsa, policy::parse_tlsa_answer, e) || !text(v, "tlsa_base", t.tlsa_base, e) ||
      !text(v, "rule", t.rule, e) || !text(v, "reason", t.reason, e) || !flag(v, "mx_secure", t.mx_secure, e) ||
      !flag(v, "half", t.half, e) || !flag(v, "verified", t.verified, e) || !string_list(v, "records", t.records, e) ||
      !string_list(v, "unusable", t.unusable, e)) {
    return Error{"dane: " + e};
  }
  const auto m = v.find("matched");
  if (m != v.end() && !m->is_null()) {
    const auto depth = m->is_object() ? m->find("depth") : m->end();
    if (!entry_text(*m, "matched", "record", t.matched, e) || depth == m->end() || !depth->is_number_integer()) {
      return Error{"dane: field 'matched' needs a record and a depth"};
    }
    t.depth = depth->get<int>();
  }
  return t;
}

// The mta_sts object (mta/report/sts_render.h writes it).
Result<policy::StsTrace> mta_sts(const json& v) {
  if (!v.is_object()) return Error{"field 'mta_sts' is not an object"};
  policy::StsTrace t;
  std::string e;
  const auto age = v.find("cache_age");
  if (!text(v, "policy_domain", t.policy_domain, e) || !text(v, "id", t.id, e) ||
      !named(v, "mode", t.mode, policy::parse_sts_mode, e) || !string_list(v, "mx", t.mx, e) ||
      !string_list(v, "policy_lines", t.lines, e) || !flag(v, "enforced", t.enforced, e) ||
      !flag(v, "dane_decides", t.dane_decides, e) || !flag(v, "mx_matched", t.mx_matched, e) ||
      !text(v, "matched_pattern", t.matched_pattern, e) || !named(v, "result", t.result, policy::parse_sts_result, e) ||
      !text(v, "reason", t.reason, e) || !text(v, "origin", t.origin, e) || !text(v, "fetch_note", t.fetch_note, e) ||
      !text(v, "fetch_failure", t.fetch_failure, e, /*required=*/false)) {
    return Error{"mta_sts: " + e};
  }
  if (age == v.end() || !age->is_number_integer()) return Error{"mta_sts: field 'cache_age' is not a number"};
  t.cache_age = age->get<std::int64_t>();
  return t;
}

}  // namespace

Result<TlsOutcome> parse_outcome_line(std::string_view line) {
  if (line.size() > kMaxRecordLine) return Error{"line longer than " + std::to_string(kMaxRecordLine) + " octets"};
  const json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error{"not JSON"};
  if (!j.is_object()) return Error{"not a JSON object"};
  TlsOutcome r;
  std::string e;
  for (const auto& [key, field] : {std::pair{"time", &r.time},
                                   {"queue_id", &r.queue_id},
                                   {"recipient_domain", &r.recipient_domain},
                                   {"destconfig_entry", &r.destconfig_entry},
                                   {"via", &r.via},
                                   {"host", &r.host},
                                   {"ip", &r.ip},
                                   {"tls_version", &r.tls_version},
                                   {"tls_cipher", &r.tls_cipher},
                                   {"status", &r.status},
                                   {"reason", &r.reason}}) {
    if (!text(j, key, *field, e)) return Error{e};
  }
  if (!named(j, "setting", r.setting, policy::parse_tls_setting, e) || !named(j, "stage", r.stage, parse_outcome_stage, e) ||
      !named(j, "starttls", r.starttls, parse_starttls, e) || !named(j, "result", r.result, parse_outcome_result, e)) {
    return Error{e};
  }
  if (!policy::parse_rfc3339_utc(r.time)) return Error{"field 'time' is not RFC 3339 UTC (YYYY-MM-DDTHH:MM:SSZ)"};
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
    auto t = verification(*v, r.setting);
    if (!t) return t.error();
    r.trace = std::move(*t);
  }
  // Written only where DANE was considered.
  if (const auto d = j.find("dane"); d != j.end()) {
    auto t = dane(*d);
    if (!t) return t.error();
    r.dane = std::move(*t);
  }
  // Written only where the domain publishes a TLS-RPT record.
  if (!text(j, "tls_key_exchange", r.tls_key_exchange, e, false)) return Error{e};
  if (j.contains("tlsrpt_rua") && !string_list(j, "tlsrpt_rua", r.tlsrpt_rua, e)) return Error{e};
  // Written only where an MTA-STS policy applied.
  if (const auto m = j.find("mta_sts"); m != j.end()) {
    auto t = mta_sts(*m);
    if (!t) return t.error();
    r.mta_sts = std::move(*t);
  }
  return r;
}

}  // namespace sealpost::mta
