// See trace_render.h. Values that came from a certificate are already escaped for display
// (policy::escape_for_display), so a NUL or escape sequence in a certificate cannot reach a
// terminal or a log raw.
#include "mta/report/trace_render.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace sealpost::mta {
namespace {

using policy::PresentedId;
using policy::ReferenceId;

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string presented_text(const PresentedId& p) {
  return std::string(to_string(p.kind)) + " " + (p.is_malformed() ? p.raw : p.value);
}

std::string ref_text(const ReferenceId& r) { return std::string(to_string(r.source)) + " " + r.value; }

}  // namespace

std::string render_trace_text(const policy::VerificationTrace& t) {
  std::ostringstream o;
  o << "Setting: tls=" << to_string(t.setting) << " (" << to_string(t.rules) << " rules)\n";
  o << "\nChain\n";
  if (t.chain.ok) {
    o << "  ok: anchored at trustpoint " << t.chain.anchor << " (" << t.chain.anchor_subject << ")\n";
  } else {
    o << "  FAILED: " << t.chain.error << "\n";
    if (!t.chain.error_subject.empty()) {
      o << "  certificate";
      if (t.chain.error_depth >= 0) o << " at depth " << t.chain.error_depth << (t.chain.error_depth == 0 ? " (the leaf)" : "");
      o << ": " << t.chain.error_subject << "\n";
    }
  }
  o << "\nPresented identifiers (leaf certificate)\n";
  if (t.presented.empty()) o << "  (none)\n";
  for (const auto& p : t.presented) {
    o << "  " << pad(std::string(to_string(p.kind)), 7) << (p.is_malformed() ? p.raw : p.value);
    if (p.is_malformed()) o << "   malformed: " << p.malformed << " (never matches)";
    o << "\n";
  }
  o << "\nReference identifiers\n";
  for (const auto& r : t.ref_ids) {
    o << "  " << pad(std::string(to_string(r.source)), 17) << pad(r.value, 30) << " " << (r.trusted ? "used: " : "not used: ")
      << r.note << "\n";
  }
  o << "\nComparisons\n";
  if (t.identity.comparisons.empty()) o << "  (none)\n";
  for (const auto& c : t.identity.comparisons) {
    o << "  " << pad(c.rule, 21) << pad(presented_text(t.presented[c.presented]), 30)
      << " ~= " << pad(ref_text(t.ref_ids[c.ref_id]), 38) << " " << to_string(c.result)
      << (c.result != policy::NameMatch::kNone ? "  <= match" : "") << "\n";
  }
  o << "\nVerdict\n  " << t.verdict << "\n";
  return o.str();
}

nlohmann::json trace_to_json(const policy::VerificationTrace& t) {
  using nlohmann::json;
  json presented = json::array();
  for (const auto& p : t.presented) {
    presented.push_back({{"type", to_string(p.kind)},
                         {"value", p.is_malformed() ? json(nullptr) : json(p.value)},
                         {"raw", p.raw},
                         {"malformed", p.is_malformed() ? json(p.malformed) : json(nullptr)}});
  }
  json refs = json::array();
  for (const auto& r : t.ref_ids) {
    refs.push_back({{"source", to_string(r.source)}, {"value", r.value}, {"trusted", r.trusted}, {"note", r.note}});
  }
  json comparisons = json::array();
  for (const auto& c : t.identity.comparisons) {
    comparisons.push_back({{"rule", c.rule},
                           {"presented", presented_text(t.presented[c.presented])},
                           {"ref_id", ref_text(t.ref_ids[c.ref_id])},
                           {"result", to_string(c.result)}});
  }
  json matched = nullptr;
  if (t.identity.match) {
    matched = {{"presented", presented_text(t.presented[t.identity.match->presented])},
               {"ref_id", ref_text(t.ref_ids[t.identity.match->ref_id])}};
  }
  return {
      {"verified", t.verified},
      {"setting", to_string(t.setting)},
      {"rules", to_string(t.rules)},
      {"chain_ok", t.chain.ok},
      {"chain_error", t.chain.ok ? json(nullptr) : json(t.chain.error)},
      {"chain_error_certificate", t.chain.error_subject.empty() ? json(nullptr) : json(t.chain.error_subject)},
      {"chain_error_depth", t.chain.error_depth < 0 ? json(nullptr) : json(t.chain.error_depth)},
      {"anchor", t.chain.ok ? json(t.chain.anchor) : json(nullptr)},
      {"identity_ok", t.identity.matched},
      {"rule", t.identity.matched ? json(t.identity.rule) : json(nullptr)},
      {"matched", matched},
      {"presented", presented},
      {"ref_ids", refs},
      {"comparisons", comparisons},
      {"verdict", t.verdict},
  };
}

std::string render_trace_json(const policy::VerificationTrace& t, int indent) {
  // Certificates may carry bytes that are not UTF-8; replace rather than throw.
  return trace_to_json(t).dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sealpost::mta
