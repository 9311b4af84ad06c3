// See sts_render.h. The policy's text came from the network: it was parsed (policy/mta_sts.h)
// and is written as JSON strings, never raw into the human log.
#include "mta/report/sts_render.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace sealpost::mta {

std::string render_sts_text(const policy::StsTrace& t) {
  std::ostringstream o;
  o << "MTA-STS (RFC 8461)\n";
  if (t.origin == "none") return o.str() + "  " + t.reason + "\n";
  o << "  policy:     " << t.policy_domain << " id " << t.id << ", mode " << to_string(t.mode)
    << (t.enforced ? " (enforced)" : " (not enforced)") << ", from the " << t.origin << ", " << t.cache_age << " s old\n";
  for (const auto& m : t.mx) o << "  mx:         " << m << (m == t.matched_pattern ? "   <- matches" : "") << "\n";
  if (!t.fetch_note.empty()) o << "  note:       " << t.fetch_note << "\n";
  o << "  result:     " << to_string(t.result) << (t.reason.empty() ? "" : ": " + t.reason) << "\n";
  return o.str();
}

nlohmann::json sts_to_json(const policy::StsTrace& t) {
  using nlohmann::json;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {
      {"policy_domain", t.policy_domain},
      {"id", t.id},
      {"mode", to_string(t.mode)},
      {"mx", t.mx},
      {"policy_lines", t.lines},
      {"enforced", t.enforced},
      {"dane_decides", t.dane_decides},
      {"mx_matched", t.mx_matched},
      {"matched_pattern", text_or_null(t.matched_pattern)},
      {"result", to_string(t.result)},
      {"reason", t.reason},
      {"cache_age", t.cache_age},
      {"origin", t.origin},
      {"fetch_note", text_or_null(t.fetch_note)},
      {"fetch_failure", text_or_null(t.fetch_failure)},
  };
}

}  // namespace sealpost::mta
