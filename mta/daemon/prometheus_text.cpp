// See prometheus_text.h.
#include "mta/daemon/prometheus_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sealpost::mta {
namespace {

void append_escaped(std::string& out, std::string_view value, bool quote_too) {
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// Whole numbers as integers (counters are), others in the fewest digits that read back as
// the same double (a bucket bound 0.005, not 0.0050000000000000001).
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i) out_ += ',';
      out_ += labels[i].first;
      out_ += "=\"";
      append_escaped(out_, labels[i].second, true);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += number(value);
  out_ += '\n';
}

void PrometheusText::histogram(std::string_view name, const std::vector<double>& bounds, const std::vector<std::uint64_t>& counts,
                               double sum, std::uint64_t count) {
  const std::string base(name);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size() && i < counts.size(); ++i) {
    cumulative += counts[i];
    sample(base + "_bucket", {{"le", number(bounds[i])}}, static_cast<double>(cumulative));
  }
  sample(base + "_bucket", {{"le", "+Inf"}}, static_cast<double>(count));
  sample(base + "_sum", sum);
  sample(base + "_count", static_cast<double>(count));
}

}  // namespace sealpost::mta
