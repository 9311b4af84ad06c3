// `sealpost report`: the TLS outcome log reviewed (issue "log review") — a table, JSON or CSV
// per destination domain; RFC 8460 reports (--tlsrpt DIR); one self-contained HTML page
// (--html FILE); or the records as they are written (--follow). Reads the configured outcome
// log and its rotations (FILE.1, FILE.2.gz, …, oldest first) or the --log files given; gzip'd
// files are read as such. Streams: one line in memory at a time. Untrusted: log files — a
// malformed line is counted and named with its file and line number, never fatal.
// Exit status: 0 done, 2 bad arguments or a file that cannot be read.
#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "mta/config/relay_config_file.h"
#include "mta/report/outcome_reader.h"
#include "mta/report/report_html.h"
#include "mta/report/report_stats.h"
#include "mta/report/report_tlsrpt.h"
#include "policy/domain_name.h"
#include "policy/time_format.h"
#include "policy/tls_setting.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCmd = "report";
constexpr std::string_view kHelp = R"(usage: sealpost report [--log FILE]... [--since T] [--until T] [--domain D] [--setting S]
                       [--result R] [--format table|json|csv]
                       [--tlsrpt DIR [--organization NAME] [--contact ADDR]] [--html FILE]
       sealpost report --follow [--log FILE] [filters]

Reviews the TLS outcome log: per destination domain the connections, how many were
verified, encrypted but unverified, in clear, or failed (by stage, with the most frequent
reasons), the TLS versions and ciphers, the REF-ID rules that matched, and the hosts.
  --log FILE       read FILE (repeatable; .gz read as gzip). Default: the outcome_file of
                   ETC/sealpost.toml and its rotations FILE.1, FILE.2.gz, … (oldest first)
  --since T        T is YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); --until T likewise
  --domain D       one recipient domain;  --setting S  one destconfig setting
  --result R       sent, deferred, bounced, next-host, retry-in-clear or probed
  --format F       table (default), json or csv
  --tlsrpt DIR     write one RFC 8460 report per domain per UTC day into DIR
  --html FILE      write one self-contained HTML page with a chart per domain
  --follow         print records as they are written (like tail -f), filtered
Malformed lines are counted and listed with file and line number.
)";
constexpr OptionSpec kOptions[] = {{.name = "log", .takes_value = true, .repeatable = true},
                                   {.name = "since", .takes_value = true},
                                   {.name = "until", .takes_value = true},
                                   {.name = "domain", .takes_value = true},
                                   {.name = "setting", .takes_value = true},
                                   {.name = "result", .takes_value = true},
                                   {.name = "format", .takes_value = true},
                                   {.name = "tlsrpt", .takes_value = true},
                                   {.name = "organization", .takes_value = true},
                                   {.name = "contact", .takes_value = true},
                                   {.name = "html", .takes_value = true},
                                   {.name = "follow"},
                                   {.name = "help"}};

// "YYYY-MM-DD" (the whole day) or what rfc3339_utc writes; the bound as the record compares it.
Result<std::string> time_bound(const std::string& text, bool until) {
  const std::string full = text.size() == 10 ? text + (until ? "T23:59:59Z" : "T00:00:00Z") : text;
  if (!policy::parse_rfc3339_utc(full)) return Error{"'" + text + "' is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"};
  return full;
}

// FILE.N and FILE.N.gz that exist, oldest (highest N) first, then FILE.
std::vector<fs::path> with_rotations(const fs::path& file) {
  std::vector<fs::path> older;
  for (int n = 1; n < 1000; ++n) {
    const fs::path plain = file.string() + "." + std::to_string(n), gz = plain.string() + ".gz";
    if (fs::exists(plain))
      older.push_back(plain);
    else if (fs::exists(gz))
      older.push_back(gz);
    else
      break;
  }
  std::vector<fs::path> out(older.rbegin(), older.rend());
  if (fs::exists(file) || out.empty()) out.push_back(file);
  return out;
}

// Every line of a (possibly gzip'd) file; a line longer than the record limit is reported
// as such without being held in memory whole.
Status read_lines(const fs::path& path, const std::function<void(std::uint64_t, std::string_view, bool)>& each) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Error{path.string() + ": cannot open"};
  gzbuffer(f, 1 << 17);
  std::string line;
  bool too_long = false;
  std::uint64_t number = 0;
  char buf[65536];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int err = 0;
      const std::string what = gzerror(f, &err);
      gzclose(f);
      return Error{path.string() + ": " + what};
    }
    if (n == 0) break;
    std::string_view chunk(buf, static_cast<std::size_t>(n));
    while (!chunk.empty()) {
      const auto nl = chunk.find('\n');
      const std::string_view part = chunk.substr(0, nl);
      if (!too_long) {
        line.append(part);
        if (line.size() > mta::kMaxRecordLine) {
          too_long = true;
          line.clear();
        }
      }
      if (nl == std::string_view::npos) break;
      each(++number, line, too_long);
      line.clear();
      too_long = false;
      chunk.remove_prefix(nl + 1);
    }
  }
  if (!line.empty() || too_long) each(++number, line, too_long);  // a last line without its newline
  gzclose(f);
  return ok();
}

std::string one_line(const mta::TlsOutcome& r) {
  std::string tls = encrypted(r) ? r.tls_version + (r.trace ? (r.trace->verified ? " verified" : " unverified") : "") : "none";
  return r.time + " " + (r.queue_id.empty() ? "-" : r.queue_id) + " " + r.recipient_domain + " " + r.host + "[" + r.ip +
         "]:" + std::to_string(r.port) + " tls=" + std::string(to_string(r.setting)) + " " + std::string(to_string(r.result)) +
         " stage=" + std::string(to_string(r.stage)) + " (" + tls + ")" + (r.reason.empty() ? "" : ": " + r.reason);
}

// tail -f: from the end of the file on; a file that shrinks or is replaced (rotation) is read
// again from its start.
int follow(const fs::path& path, const mta::ReportFilter& filter) {
  std::ifstream in;
  ino_t inode = 0;
  std::string pending;
  const auto open_at = [&](bool at_end) {
    in.close();
    in.clear();
    in.open(path, std::ios::binary);
    struct stat st {};
    inode = ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
    if (at_end) in.seekg(0, std::ios::end);
  };
  open_at(true);
  for (;;) {
    std::string line;
    bool got = false;
    while (in && std::getline(in, line)) {
      if (in.eof()) {  // a line still being written: keep it for the next round
        pending += line;
        break;
      }
      got = true;
      line = pending + line;
      pending.clear();
      auto r = mta::parse_outcome_line(line);
      if (r && filter.accepts(*r)) std::cout << one_line(*r) << std::endl;
    }
    in.clear();
    struct stat st {};
    const bool replaced = ::stat(path.c_str(), &st) == 0 && st.st_ino != inode;
    const bool shrunk = ::stat(path.c_str(), &st) == 0 && in.tellg() > static_cast<std::streamoff>(st.st_size);
    if (replaced || shrunk || !in.is_open()) {
      open_at(false);
      pending.clear();
    }
    if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

}  // namespace

int cmd_report(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = parse_args(argv, kOptions, 0, 0);
  if (!args) return fail(kCmd, args.error().message + " (see 'sealpost report --help')");
  if (args->has("help")) {
    std::cout << kHelp;
    return kExitOk;
  }
  mta::ReportFilter filter;
  if (auto v = args->get("since")) {
    auto t = time_bound(*v, false);
    if (!t) return fail(kCmd, "--since: " + t.error().message);
    filter.since = *t;
  }
  if (auto v = args->get("until")) {
    auto t = time_bound(*v, true);
    if (!t) return fail(kCmd, "--until: " + t.error().message);
    filter.until = *t;
  }
  if (auto v = args->get("domain")) {  // records name domains as A-labels: so does the filter
    auto d = policy::normalize_reference_name(*v);
    if (!d) return fail(kCmd, "--domain '" + policy::escape_for_display(*v) + "' " + d.error().message);
    filter.domain = *d;
  }
  if (auto v = args->get("setting")) {
    filter.setting = policy::parse_tls_setting(*v);
    if (!filter.setting) return fail(kCmd, "--setting: '" + *v + "' is not a TLS setting");
  }
  if (auto v = args->get("result")) {
    filter.result = mta::parse_outcome_result(*v);
    if (!filter.result)
      return fail(kCmd, "--result: '" + *v + "' is not one of sent, deferred, bounced, next-host, retry-in-clear, probed");
  }
  const std::string format = args->get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv") return fail(kCmd, "--format: table, json or csv");
  if ((args->has("organization") || args->has("contact")) && !args->has("tlsrpt")) {
    return fail(kCmd, "--organization and --contact go with --tlsrpt");
  }

  std::vector<fs::path> files;
  for (const auto& f : args->all("log")) files.emplace_back(f);
  if (files.empty()) {
    auto config = mta::load_relay_config(ctx.etc);
    if (!config) return fail(kCmd, config.error().message);
    if (config->outcome_log.empty()) return fail(kCmd, "no --log given and no outcome_file in the configuration");
    files = args->has("follow") ? std::vector<fs::path>{config->outcome_log} : with_rotations(config->outcome_log);
  }
  if (args->has("follow")) {
    if (files.size() != 1) return fail(kCmd, "--follow reads one file");
    return follow(files.front(), filter);
  }

  mta::Report report(filter);
  for (const auto& file : files) {
    auto s = read_lines(file, [&](std::uint64_t n, std::string_view line, bool too_long) {
      if (too_long) return report.add_malformed(file.string(), n, "line longer than the record limit");
      if (line.empty()) return;
      auto r = mta::parse_outcome_line(line);
      if (r)
        report.add(*r);
      else
        report.add_malformed(file.string(), n, r.error().message);
    });
    if (!s) return fail(kCmd, s.error().message);
  }

  bool wrote = false;
  if (auto dir = args->get("tlsrpt")) {
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec) return fail(kCmd, *dir + ": " + ec.message());
    mta::TlsRptOptions o;
    o.organization = args->get("organization").value_or(o.organization);
    o.contact = args->get("contact").value_or(o.contact);
    if (const auto at = o.contact.rfind('@'); at != std::string::npos) o.sender = o.contact.substr(at + 1);
    const auto reports = mta::render_tlsrpt(report, o);
    // Where each report goes (RFC 8460 §3 rua, as delivery found it): an index beside them,
    // one line per report: its file name, then its URIs, tab-separated.
    std::string index;
    for (const auto& r : reports) {
      std::ofstream out(fs::path(*dir) / r.name);
      out << r.json;
      if (!out) return fail(kCmd, (fs::path(*dir) / r.name).string() + ": cannot write");
      index += r.name;
      for (const auto& u : r.rua) index += "\t" + u;
      index += "\n";
    }
    std::ofstream out(fs::path(*dir) / "rua.tsv");
    out << index;
    if (!out) return fail(kCmd, (fs::path(*dir) / "rua.tsv").string() + ": cannot write");
    std::cout << "wrote " << reports.size() << " RFC 8460 report(s) to " << *dir << " (where each goes: rua.tsv)\n";
    wrote = true;
  }
  if (auto file = args->get("html")) {
    std::ofstream out(*file);
    out << mta::render_html(report, "Sealpost: TLS of outbound mail");
    if (!out) return fail(kCmd, *file + ": cannot write");
    std::cout << "wrote " << *file << "\n";
    wrote = true;
  }
  if (!wrote || args->has("format")) {
    std::cout << (format == "json"  ? mta::render_json(report)
                  : format == "csv" ? mta::render_csv(report)
                                    : mta::render_table(report));
  }
  if (report.malformed_count() > 0 && (wrote || format != "table")) {
    std::cerr << "sealpost report: " << report.malformed_count() << " malformed line(s) skipped";
    if (!report.malformed().empty()) {
      const auto& m = report.malformed().front();
      std::cerr << ", the first " << m.file << ":" << m.line << ": " << m.error;
    }
    std::cerr << "\n";
  }
  return kExitOk;
}

}  // namespace sealpost::cli
