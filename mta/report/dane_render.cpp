// See dane_render.h. Records and reasons came from DNS and are printed as hex and as our own
// words, never raw bytes.
#include "mta/report/dane_render.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace sealpost::mta {

std::string render_dane_text(const policy::DaneTrace& t) {
  std::ostringstream o;
  o << "DANE (RFC 7672)\n";
  o << "  state:      " << to_string(t.state) << (t.half ? " (half: the MX RRset is not signed)" : "") << "\n";
  o << "  MX RRset:   " << (t.mx_secure ? "secure" : "insecure") << "\n";
  if (!t.tlsa_base.empty()) o << "  TLSA base:  " << t.tlsa_base << " (" << to_string(t.tlsa) << ")\n";
  for (const auto& r : t.records) o << "  record:     " << r << "\n";
  for (const auto& u : t.unusable) o << "  unusable:   " << u << "\n";
  if (!t.matched.empty()) o << "  matched:    " << t.matched << " at depth " << t.depth << "\n";
  if (!t.rule.empty()) o << "  rule:       " << t.rule << "\n";
  o << "  " << (t.verified ? "verified: " : "") << t.reason << "\n";
  return o.str();
}

nlohmann::json dane_to_json(const policy::DaneTrace& t) {
  using nlohmann::json;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {
      {"state", to_string(t.state)},
      {"mx_secure", t.mx_secure},
      {"half", t.half},
      {"tlsa_base", text_or_null(t.tlsa_base)},
      {"tlsa_answer", to_string(t.tlsa)},
      {"records", t.records},
      {"unusable", t.unusable},
      {"matched", t.matched.empty() ? json(nullptr) : json{{"record", t.matched}, {"depth", t.depth}}},
      {"rule", text_or_null(t.rule)},
      {"verified", t.verified},
      {"reason", t.reason},
  };
}

Result<policy::DaneTrace> dane_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return Error{"field 'dane' is not an object"};
  policy::DaneTrace t;
  const auto str = [&](const char* key, std::string& out) -> Status {
    const auto it = j.find(key);
    if (it == j.end() || !(it->is_string() || it->is_null()))
      return Error{std::string("dane: field '") + key + "' is not a string"};
    if (it->is_string()) out = it->get<std::string>();
    return ok();
  };
  const auto flag = [&](const char* key, bool& out) -> Status {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_boolean()) return Error{std::string("dane: field '") + key + "' is not true or false"};
    out = it->get<bool>();
    return ok();
  };
  const auto list = [&](const char* key, std::vector<std::string>& out) -> Status {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return Error{std::string("dane: field '") + key + "' is not a list"};
    for (const auto& v : *it) {
      if (!v.is_string()) return Error{std::string("dane: field '") + key + "' holds a non-string"};
      out.push_back(v.get<std::string>());
    }
    return ok();
  };
  std::string state, answer;
  for (const Status& s : {str("state", state), str("tlsa_answer", answer), str("tlsa_base", t.tlsa_base), str("rule", t.rule),
                          str("reason", t.reason), flag("mx_secure", t.mx_secure), flag("half", t.half),
                          flag("verified", t.verified), list("records", t.records), list("unusable", t.unusable)}) {
    if (!s) return s.error();
  }
  const auto st = policy::parse_dane_state(state);
  if (!st) return Error{"dane: field 'state' is not a known DANE state"};
  t.state = *st;
  const auto tlsa = policy::parse_tlsa_answer(answer);
  if (!tlsa) return Error{"dane: field 'tlsa_answer' is not a known TLSA answer"};
  t.tlsa = *tlsa;
  const auto m = j.find("matched");
  if (m != j.end() && m->is_object()) {
    const auto r = m->find("record");
    const auto d = m->find("depth");
    if (r == m->end() || !r->is_string() || d == m->end() || !d->is_number_integer()) {
      return Error{"dane: field 'matched' needs a record and a depth"};
    }
    t.matched = r->get<std::string>();
    t.depth = d->get<int>();
  }
  return t;
}

}  // namespace sealpost::mta
