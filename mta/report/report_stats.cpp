// See report_stats.h.
#include "mta/report/report_stats.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

using nlohmann::json;

constexpr std::string_view kOtherReasons = "(other reasons)";
// The stages the issue names as TLS failures, in the order of a session; others follow.
constexpr std::string_view kTlsStages[] = {"starttls-offer", "starttls-reply", "starttls-injection",
                                           "handshake",      "chain",          "identity"};

void count_reason(StageFailures& f, const std::string& reason) {
  ++f.count;
  auto it = f.reasons.find(reason);
  if (it != f.reasons.end()) {
    ++it->second;
  } else if (f.reasons.size() < kMaxReasons) {
    f.reasons.emplace(reason, 1);
  } else {
    ++f.reasons[std::string(kOtherReasons)];
  }
}

// Most frequent first, then by name: stable output for golden tests.
std::vector<std::pair<std::string, std::uint64_t>> ranked(const std::map<std::string, std::uint64_t>& m) {
  std::vector<std::pair<std::string, std::uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

std::string joined(const std::map<std::string, std::uint64_t>& m) {
  std::string out;
  for (const auto& [name, n] : ranked(m)) out += (out.empty() ? "" : ", ") + name + " " + std::to_string(n);
  return out.empty() ? "-" : out;
}

json counts_json(const Counts& c) {
  return {{"connections", c.connections},
          {"verified", c.verified},
          {"encrypted_unverified", c.unverified},
          {"plaintext", c.plaintext},
          {"failed", c.failed}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Stages in display order: the TLS stages first, then whatever else failed.
std::vector<std::string> stage_order(const std::map<std::string, DomainReport>& domains) {
  std::vector<std::string> out(std::begin(kTlsStages), std::end(kTlsStages));
  for (const auto& [d, r] : domains) {
    for (const auto& [stage, f] : r.failures) {
      if (std::find(out.begin(), out.end(), stage) == out.end()) out.push_back(stage);
    }
  }
  return out;
}

}  // namespace

bool ReportFilter::accepts(const TlsOutcome& r) const {
  if (!since.empty() && r.time < since) return false;
  if (!until.empty() && r.time > until) return false;
  if (!domain.empty() && r.recipient_domain != domain) return false;
  if (setting && r.setting != *setting) return false;
  if (result && r.result != *result) return false;
  return true;
}

Verdict verdict_of(const TlsOutcome& r) {
  if (!delivered(r.result)) return Verdict::kFailed;
  if (!encrypted(r)) return Verdict::kPlaintext;
  if (r.dane && r.dane->verified) return Verdict::kVerified;
  return r.trace && r.trace->verified ? Verdict::kVerified : Verdict::kUnverified;
}

void Counts::add(Verdict v) {
  ++connections;
  switch (v) {
    case Verdict::kVerified: ++verified; break;
    case Verdict::kUnverified: ++unverified; break;
    case Verdict::kPlaintext: ++plaintext; break;
    case Verdict::kFailed: ++failed; break;
  }
}

namespace {

// An MTA-STS policy (or its failed fetch) speaks for this session: DANE did not decide.
const policy::StsTrace* sts_of(const TlsOutcome& r) { return r.mta_sts && !r.mta_sts->dane_decides ? &*r.mta_sts : nullptr; }

}  // namespace

std::optional<std::string> tlsrpt_result_type(const TlsOutcome& r) {
  // RFC 8460 §4.3.1 (negotiation failures) and §4.3.2 (policy failures, here our settings').
  if (const auto* sts = sts_of(r)) {
    // §4.3.2.2: the policy could not be had (no policy applies, or a cached one survived).
    if (sts->origin == "none") return sts->fetch_failure;
    switch (sts->result) {
      case policy::StsResult::kMxMismatch: return "validation-failure";  // reason code sts-mx-mismatch (decision)
      case policy::StsResult::kStarttls:
        return r.starttls == StartTls::kNotOffered || r.starttls == StartTls::kRefused ? "starttls-not-supported"
                                                                                       : "validation-failure";
      case policy::StsResult::kCertificate:
        if (r.trace && !r.trace->chain.ok) {
          return r.trace->chain.error.find("expired") != std::string::npos ? "certificate-expired" : "certificate-not-trusted";
        }
        return "certificate-host-mismatch";
      case policy::StsResult::kVerified:
      case policy::StsResult::kNotEvaluated: break;
    }
  }
  if (r.dane) {
    switch (r.dane->state) {
      case policy::DaneState::kTempfail: return "dnssec-invalid";
      case policy::DaneState::kRequired: return "dane-required";
      case policy::DaneState::kUnusable: return "tlsa-invalid";
      case policy::DaneState::kUsable:
        if (r.stage == OutcomeStage::kDane && !r.dane->verified) return "certificate-not-trusted";
        break;
      case policy::DaneState::kNone: break;
    }
  }
  if (r.starttls == StartTls::kNotOffered || r.starttls == StartTls::kRefused) return "starttls-not-supported";
  if (r.starttls == StartTls::kInjection || r.starttls == StartTls::kFailed) return "validation-failure";
  if (encrypted(r) && r.trace && !r.trace->verified && policy::verifies_certificate(r.setting)) {
    const auto& chain = r.trace->chain;
    if (!chain.ok) return chain.error.find("expired") != std::string::npos ? "certificate-expired" : "certificate-not-trusted";
    return "certificate-host-mismatch";
  }
  return std::nullopt;
}

std::string tlsrpt_reason_code(const TlsOutcome& r) {
  if (const auto* sts = sts_of(r)) {
    if (sts->origin == "none") return "sts-fetch";
    if (sts->result == policy::StsResult::kMxMismatch) return "sts-mx-mismatch";
  }
  return std::string(to_string(r.stage));
}

TlsRptPolicy tlsrpt_policy(const TlsOutcome& r) {
  if (const auto* sts = sts_of(r); sts && sts->origin != "none") {
    return {.type = "sts", .domain = sts->policy_domain, .strings = sts->lines, .mx_host = sts->mx};
  }
  if (!r.dane || r.dane->state == policy::DaneState::kNone || r.dane->tlsa_base.empty()) {
    return {.type = "no-policy-found", .domain = r.recipient_domain, .strings = {}, .mx_host = {}};
  }
  return {.type = "tlsa", .domain = r.dane->tlsa_base, .strings = r.dane->records, .mx_host = {}};
}

void Report::add(const TlsOutcome& r) {
  if (!filter_.accepts(r)) return;
  ++records_;
  const Verdict v = verdict_of(r);
  DomainReport& d = domains_[r.recipient_domain];
  d.counts.add(v);
  if (v == Verdict::kFailed) count_reason(d.failures[std::string(to_string(r.stage))], r.reason);
  ++d.settings[std::string(to_string(r.setting))];
  if (encrypted(r)) {
    ++d.versions[r.tls_version];
    ++d.ciphers[r.tls_cipher];
  }
  if (r.dane && r.dane->verified) {
    ++d.rules[r.dane->rule];
  } else if (r.trace && r.trace->verified && !r.trace->identity.rule.empty()) {
    ++d.rules[r.trace->identity.rule];
  }
  ++d.hosts[r.host + "[" + r.ip + "]"];
  const std::string day = r.time.substr(0, 10);
  days_[day][r.recipient_domain].add(v);

  const auto type = tlsrpt_result_type(r);
  if (!type && !encrypted(r)) return;  // no TLS was tried here: not a TLS-RPT session
  TlsRptDay& rpt = tlsrpt_[{r.recipient_domain, day}];
  if (!r.tlsrpt_rua.empty()) rpt.rua = r.tlsrpt_rua;
  TlsRptCounts& t = rpt.policies[tlsrpt_policy(r)];
  if (type) {
    ++t.failed;
    ++t.failures[{.result_type = *type, .mx_host = r.host, .ip = r.ip, .reason_code = tlsrpt_reason_code(r)}];
  } else {
    ++t.successful;
  }
}

void Report::add_malformed(const std::string& file, std::uint64_t line, const std::string& error) {
  ++malformed_count_;
  if (malformed_.size() < kMaxMalformedListed) malformed_.push_back({.file = file, .line = line, .error = error});
}

Counts Report::totals() const {
  Counts t;
  for (const auto& [name, d] : domains_) {
    t.connections += d.counts.connections;
    t.verified += d.counts.verified;
    t.unverified += d.counts.unverified;
    t.plaintext += d.counts.plaintext;
    t.failed += d.counts.failed;
  }
  return t;
}

std::string render_table(const Report& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-32s %8s %9s %11s %10s %7s\n", "domain", "conns", "verified", "unverified", "plaintext",
                "failed");
  out += line;
  const auto row = [&](const std::string& name, const Counts& c) {
    std::snprintf(line, sizeof line, "%-32s %8llu %9llu %11llu %10llu %7llu\n", name.c_str(),
                  static_cast<unsigned long long>(c.connections), static_cast<unsigned long long>(c.verified),
                  static_cast<unsigned long long>(c.unverified), static_cast<unsigned long long>(c.plaintext),
                  static_cast<unsigned long long>(c.failed));
    out += line;
  };
  for (const auto& [name, d] : report.domains()) {
    row(policy::with_unicode_form(name), d.counts);  // an A-label domain with its U-label form beside it
    out += "    settings: " + joined(d.settings) + "\n";
    for (const auto& stage : stage_order(report.domains())) {
      const auto f = d.failures.find(stage);
      if (f == d.failures.end()) continue;
      out += "    failed at " + stage + ": " + std::to_string(f->second.count) + "\n";
      std::size_t shown = 0;
      for (const auto& [reason, n] : ranked(f->second.reasons)) {
        if (shown++ == 3) break;
        out += "      " + std::to_string(n) + "x " + (reason.empty() ? "(no reason given)" : reason) + "\n";
      }
    }
    out += "    TLS: " + joined(d.versions) + "; ciphers: " + joined(d.ciphers) + "\n";
    out += "    matched rules: " + joined(d.rules) + "\n";
    out += "    hosts: " + joined(d.hosts) + "\n";
  }
  row("TOTAL", report.totals());
  if (report.malformed_count() > 0) {
    out += "\nmalformed lines: " + std::to_string(report.malformed_count()) + "\n";
    for (const auto& m : report.malformed()) out += "  " + m.file + ":" + std::to_string(m.line) + ": " + m.error + "\n";
    if (report.malformed_count() > report.malformed().size()) out += "  …\n";
  }
  return out;
}

std::string render_json(const Report& report) {
  json domains = json::object();
  for (const auto& [name, d] : report.domains()) {
    json failures = json::object();
    for (const auto& [stage, f] : d.failures) {
      json reasons = json::array();
      for (const auto& [reason, n] : ranked(f.reasons)) reasons.push_back({{"reason", reason}, {"count", n}});
      failures[stage] = {{"count", f.count}, {"reasons", reasons}};
    }
    json one = counts_json(d.counts);
    one["failures"] = failures;
    one["settings"] = d.settings;
    one["tls_versions"] = d.versions;
    one["ciphers"] = d.ciphers;
    one["matched_rules"] = d.rules;
    one["hosts"] = d.hosts;
    if (const std::string u = policy::unicode_form(name); !u.empty()) one["domain_unicode"] = u;
    domains[name] = one;
  }
  json malformed = json::array();
  for (const auto& m : report.malformed()) malformed.push_back({{"file", m.file}, {"line", m.line}, {"error", m.error}});
  const json out = {{"domains", domains},
                    {"totals", counts_json(report.totals())},
                    {"malformed", {{"count", report.malformed_count()}, {"lines", malformed}}}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string render_csv(const Report& report) {
  const auto stages = stage_order(report.domains());
  std::string out = "domain,connections,verified,encrypted_unverified,plaintext,failed";
  for (const auto& s : stages) out += ",failed_" + s;
  out += "\n";
  const auto row = [&](const std::string& name, const Counts& c, const std::map<std::string, StageFailures>* failures) {
    out += csv_field(name) + "," + std::to_string(c.connections) + "," + std::to_string(c.verified) + "," +
           std::to_string(c.unverified) + "," + std::to_string(c.plaintext) + "," + std::to_string(c.failed);
    for (const auto& s : stages) {
      std::uint64_t n = 0;
      if (failures) {
        if (const auto f = failures->find(s); f != failures->end()) n = f->second.count;
      } else {
        for (const auto& [d, r] : report.domains()) {
          if (const auto f = r.failures.find(s); f != r.failures.end()) n += f->second.count;
        }
      }
      out += "," + std::to_string(n);
    }
    out += "\n";
  };
  for (const auto& [name, d] : report.domains()) row(name, d.counts, &d.failures);
  row("TOTAL", report.totals(), nullptr);
  return out;
}

}  // namespace sealpost::mta
