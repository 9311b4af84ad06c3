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
    json details = json::array();
    for (const auto& [f, n] : day.failures) {
      details.push_back({{"result-type", f.result_type},
                         {"receiving-mx-hostname", f.mx_host},
                         {"receiving-ip", f.ip},
                         {"failed-session-count", n},
                         {"failure-reason-code", f.reason_code}});
    }
    json policy = {
        {"policy", {{"policy-type", "no-policy-found"}, {"policy-domain", domain}}},
        {"summary", {{"total-successful-session-count", day.successful}, {"total-failure-session-count", day.failed}}}};
    if (!details.empty()) policy["failure-details"] = details;
    const json r = {{"organization-name", o.organization},
                    {"date-range", {{"start-datetime", start}, {"end-datetime", end}}},
                    {"contact-info", o.contact},
                    {"report-id", start + "_" + domain + "@" + o.sender},
                    {"policies", json::array({policy})}};
    out.push_back({.name = o.sender + "!" + domain + "!" + std::to_string(begin) + "!" + std::to_string(begin + 86400) + ".json",
                   .json = r.dump(2, ' ', false, json::error_handler_t::replace) + "\n"});
  }
  return out;
}

}  // namespace sealpost::mta
