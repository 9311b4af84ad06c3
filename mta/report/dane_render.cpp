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

}  // namespace sealpost::mta
