// See report_html.h.
#include "mta/report/report_html.h"

#include <algorithm>
#include <vector>

#include "policy/domain_name.h"

namespace sealpost::mta {
namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em} h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0} td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
td.l,th.l{text-align:left} .verified{fill:#2e7d32;background:#2e7d32} .unverified{fill:#f9a825;background:#f9a825}
.plaintext{fill:#9e9e9e;background:#9e9e9e} .failed{fill:#c62828;background:#c62828}
.key{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:middle}
svg text{font-size:10px;fill:#444}
)";

struct Series {
  const char* cls;
  std::uint64_t Counts::*field;
};
constexpr Series kSeries[] = {{"verified", &Counts::verified},
                              {"unverified", &Counts::unverified},
                              {"plaintext", &Counts::plaintext},
                              {"failed", &Counts::failed}};

// One stacked bar per day; the bar's data-* attributes carry the numbers the script adds up.
std::string chart(const std::string& domain, const std::map<std::string, std::map<std::string, Counts>>& days) {
  std::vector<std::pair<std::string, Counts>> bars;
  std::uint64_t peak = 1;
  for (const auto& [day, per_domain] : days) {
    const auto it = per_domain.find(domain);
    if (it == per_domain.end()) continue;
    bars.emplace_back(day, it->second);
    peak = std::max(peak, it->second.connections);
  }
  constexpr int kHeight = 160, kBar = 28, kGap = 12, kTop = 14, kBottom = 30;
  const int width = static_cast<int>(bars.size()) * (kBar + kGap) + 40;
  std::string out = "<svg class=\"chart\" role=\"img\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(kHeight + kTop + kBottom) + "\" aria-label=\"connections per day to " + esc(domain) + "\">";
  int x = 30;
  for (const auto& [day, c] : bars) {
    double y = kTop + kHeight;
    out += "<g class=\"bar\" data-day=\"" + day + "\"";
    for (const auto& s : kSeries) out += std::string(" data-") + s.cls + "=\"" + std::to_string(c.*s.field) + "\"";
    out += ">";
    for (const auto& s : kSeries) {
      const double h = static_cast<double>(c.*s.field) * kHeight / static_cast<double>(peak);
      if (h <= 0) continue;
      y -= h;
      out += std::string("<rect class=\"") + s.cls + "\" x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
             "\" width=\"" + std::to_string(kBar) + "\" height=\"" + std::to_string(h) + "\"><title>" + day + ": " +
             std::to_string(c.*s.field) + " " + s.cls + "</title></rect>";
    }
    out += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(kTop + kHeight + 14) + "\">" + day.substr(5) + "</text>";
    out += "<text x=\"" + std::to_string(x + kBar / 2) + "\" y=\"" + std::to_string(static_cast<int>(y) - 2) +
           "\" text-anchor=\"middle\">" + std::to_string(c.connections) + "</text></g>";
    x += kBar + kGap;
  }
  return out + "</svg>";
}

}  // namespace

std::string render_html(const Report& report, const std::string& title) {
  const Counts t = report.totals();
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title><style>" +
                  kStyle + "</style></head><body>\n<h1>" + esc(title) + "</h1>\n";
  h += "<p>" + std::to_string(report.records()) + " connections to " + std::to_string(report.domains().size()) +
       " domains.<span class=\"key verified\"></span>verified<span class=\"key unverified\"></span>encrypted, "
       "unverified<span class=\"key plaintext\"></span>plaintext<span class=\"key failed\"></span>failed</p>\n";
  h += "<table id=\"totals\"><tr><th class=\"l\">domain</th><th>connections</th><th>verified</th><th>encrypted, unverified</th>"
       "<th>plaintext</th><th>failed</th></tr>\n";
  const auto row = [&](const std::string& name, const Counts& c, const char* cls) {
    h += std::string("<tr class=\"") + cls + "\"><td class=\"l\">" + esc(name) + "</td><td>" + std::to_string(c.connections) +
         "</td><td>" + std::to_string(c.verified) + "</td><td>" + std::to_string(c.unverified) + "</td><td>" +
         std::to_string(c.plaintext) + "</td><td>" + std::to_string(c.failed) + "</td></tr>\n";
  };
  for (const auto& [name, d] : report.domains()) row(policy::with_unicode_form(name), d.counts, "domain");
  row("total", t, "total");
  h += "</table>\n<p id=\"chart-check\">(the chart's own sum appears here when the page is rendered)</p>\n";

  std::vector<std::pair<std::string, std::uint64_t>> order;
  for (const auto& [name, d] : report.domains()) order.emplace_back(name, d.counts.connections);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (order.size() > kMaxChartedDomains) order.resize(kMaxChartedDomains);
  for (const auto& [name, n] : order) {
    h += "<h2>" + esc(name) + "</h2>\n" + chart(name, report.days()) + "\n";
  }

  h += "<h2>Failures</h2>\n<table id=\"failures\"><tr><th class=\"l\">domain</th><th class=\"l\">stage</th><th>count</th>"
       "<th class=\"l\">most frequent reasons</th></tr>\n";
  for (const auto& [name, d] : report.domains()) {
    for (const auto& [stage, f] : d.failures) {
      std::vector<std::pair<std::string, std::uint64_t>> reasons(f.reasons.begin(), f.reasons.end());
      std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
      std::string text;
      for (std::size_t i = 0; i < reasons.size() && i < 3; ++i) {
        text += (i ? "<br>" : "") + std::to_string(reasons[i].second) + "× " + esc(reasons[i].first);
      }
      h += "<tr><td class=\"l\">" + esc(name) + "</td><td class=\"l\">" + esc(stage) + "</td><td>" + std::to_string(f.count) +
           "</td><td class=\"l\">" + text + "</td></tr>\n";
    }
  }
  h += "</table>\n";
  if (report.malformed_count() > 0) {
    h += "<p>" + std::to_string(report.malformed_count()) + " malformed log lines were skipped.</p>\n";
  }
  // Adds up what the bars carry: the rendered page states its chart's totals.
  h += R"(<script>
(function () {
  var s = {verified: 0, unverified: 0, plaintext: 0, failed: 0}, bars = document.querySelectorAll('g.bar');
  bars.forEach(function (g) { for (var k in s) s[k] += Number(g.dataset[k]); });
  document.getElementById('chart-check').textContent = 'Charted: ' + bars.length + ' bars, ' + s.verified +
    ' verified, ' + s.unverified + ' encrypted unverified, ' + s.plaintext + ' plaintext, ' + s.failed + ' failed.';
})();
</script>
</body></html>
)";
  return h;
}

}  // namespace sealpost::mta
