// See report_tlsrpt.h.
#include "mta/report/report_tlsrpt.h"

#include <nlohmann/json.hpp>

#include "policy/time_format.h"

namespace sealpost::mta {

std::vector<TlsRptFile> render_tlsrpt(const Report& report, const TlsRptOptions& o) {
  using nlohmann::json;
  std::vector<TlsRptFile> out;
  for (const auto& [key, day] : report.tlsrpt()) {
    const auto& [domain, date] = key;
    const std::string start = date + "T00:00:00Z", end = date + "T23:59:59Z";
    const auto begin_time = policy::parse_rfc3339_utc(start);
    if (!begin_time) continue;  // not a date the writer could have written
    const auto begin = std::chrono::system_clock::to_time_t(*begin_time);
    json policies = json::array();
    for (const auto& [p, counts] : day.policies) {
      json details = json::array();
      for (const auto& [f, n] : counts.failures) {
        details.push_back({{"result-type", f.result_type},
                           {"receiving-mx-hostname", f.mx_host},
                           {"receiving-ip", f.ip},
                           {"failed-session-count", n},
                           {"failure-reason-code", f.reason_code}});
      }
      json described = {{"policy-type", p.type}, {"policy-domain", p.domain}};
      if (!p.strings.empty()) described["policy-string"] = p.strings;
      if (!p.mx_host.empty()) described["mx-host"] = p.mx_host;
      json policy = {
          {"policy", described},
          {"summary", {{"total-successful-session-count", counts.successful}, {"total-failure-session-count", counts.failed}}}};
      if (!details.empty()) policy["failure-details"] = details;
      policies.push_back(std::move(policy));
    }
    const json r = {{"organization-name", o.organization},
                    {"date-range", {{"start-datetime", start}, {"end-datetime", end}}},
                    {"contact-info", o.contact},
                    {"report-id", start + "_" + domain + "@" + o.sender},
                    {"policies", policies}};
    out.push_back({.name = o.sender + "!" + domain + "!" + std::to_string(begin) + "!" + std::to_string(begin + 86400) + ".json",
                   .json = r.dump(2, ' ', false, json::error_handler_t::replace) + "\n",
                   .rua = day.rua});
  }
  return out;
}

}  // namespace sealpost::mta
