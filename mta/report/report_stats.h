// `sealpost report`'s aggregation (issue "log review"): TLS outcome records in, per
// destination domain the connections, how many were verified, encrypted but unverified, in
// clear, or failed (by stage, with the most frequent reasons), the TLS versions and ciphers
// seen, the REF-ID rules that matched and the hosts; per UTC day and domain the same four
// counts for the picture, and per policy domain and day what an RFC 8460 report needs.
// Memory grows with the number of domains, days, hosts and distinct reasons — never with the
// number of records: distinct reasons per stage are capped (kMaxReasons), the rest counted
// as "(other reasons)".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mta/report/tls_outcome.h"

namespace sealpost::mta {

inline constexpr std::size_t kMaxReasons = 64;           // distinct reasons kept per domain and stage
inline constexpr std::size_t kMaxMalformedListed = 100;  // malformed lines named one by one

struct ReportFilter {
  std::string since, until;                   // RFC 3339 UTC bounds on `time` (inclusive); empty: open
  std::string domain;                         // recipient domain; empty: every domain
  std::optional<policy::TlsSetting> setting;  // destconfig setting; none: every setting
  std::optional<OutcomeResult> result;        // none: every result
  bool accepts(const TlsOutcome& r) const;
};

// The four mutually exclusive outcomes of one connection, as the picture shows them.
enum class Verdict { kVerified, kUnverified, kPlaintext, kFailed };
Verdict verdict_of(const TlsOutcome& r);

struct Counts {
  std::uint64_t connections = 0, verified = 0, unverified = 0, plaintext = 0, failed = 0;
  void add(Verdict v);
};

struct StageFailures {
  std::uint64_t count = 0;
  std::map<std::string, std::uint64_t> reasons;  // at most kMaxReasons + "(other reasons)"
};

struct DomainReport {
  Counts counts;
  std::map<std::string, StageFailures> failures;  // by stage
  std::map<std::string, std::uint64_t> settings, versions, ciphers, rules, hosts;
};

// One RFC 8460 failure-details entry's key, and the per-day policy summary.
struct TlsRptFailureKey {
  std::string result_type, mx_host, ip, reason_code;
  auto operator<=>(const TlsRptFailureKey&) const = default;
};
// RFC 8460 §4.2 policy: "tlsa" with the TLSA base as policy-domain and the records as
// strings (DANE-MTA-STS.md §3 rule 3, as Postfix); "sts" with the policy domain, the policy's
// lines as strings and its mx patterns as mx-host, where an MTA-STS policy applied and DANE
// did not decide; or "no-policy-found" for the recipient domain.
struct TlsRptPolicy {
  std::string type, domain;
  std::vector<std::string> strings;
  std::vector<std::string> mx_host;  // "sts": the policy's mx patterns (RFC 8460 §4.4)
  auto operator<=>(const TlsRptPolicy&) const = default;
};
struct TlsRptCounts {
  std::uint64_t successful = 0, failed = 0;
  std::map<TlsRptFailureKey, std::uint64_t> failures;
};
struct TlsRptDay {
  std::map<TlsRptPolicy, TlsRptCounts> policies;
  std::vector<std::string> rua;  // where the domain wants its reports, as last seen that day
};

struct MalformedLine {
  std::string file;
  std::uint64_t line = 0;
  std::string error;
};

class Report {
 public:
  explicit Report(ReportFilter filter = {}) : filter_(std::move(filter)) {}
  void add(const TlsOutcome& record);
  void add_malformed(const std::string& file, std::uint64_t line, const std::string& error);

  const std::map<std::string, DomainReport>& domains() const { return domains_; }
  const std::map<std::string, std::map<std::string, Counts>>& days() const { return days_; }          // day → domain
  const std::map<std::pair<std::string, std::string>, TlsRptDay>& tlsrpt() const { return tlsrpt_; }  // (domain, day)
  Counts totals() const;
  std::uint64_t records() const { return records_; }
  std::uint64_t malformed_count() const { return malformed_count_; }
  const std::vector<MalformedLine>& malformed() const { return malformed_; }

 private:
  ReportFilter filter_;
  std::map<std::string, DomainReport> domains_;
  std::map<std::string, std::map<std::string, Counts>> days_;
  std::map<std::pair<std::string, std::string>, TlsRptDay> tlsrpt_;
  std::uint64_t records_ = 0, malformed_count_ = 0;
  std::vector<MalformedLine> malformed_;
};

// RFC 8460 §4.3 result type for a record that counts as a TLS failure, or none: a failure
// to negotiate TLS (not offered, refused, injection, handshake) even where the message then
// went in clear, a failed chain or identity check where the setting verifies, and the DANE
// results (§4.3.2; DANE-MTA-STS.md §3 rule 4): TLSA lookup failed → dnssec-invalid, mandatory
// without TLSA → dane-required, only unusable records → tlsa-invalid, no match →
// certificate-not-trusted.
std::optional<std::string> tlsrpt_result_type(const TlsOutcome& r);
TlsRptPolicy tlsrpt_policy(const TlsOutcome& r);
// failure-reason-code: our stage name; "sts-mx-mismatch" and "sts-fetch" for MTA-STS's own.
std::string tlsrpt_reason_code(const TlsOutcome& r);

std::string render_table(const Report& report);
std::string render_json(const Report& report);
std::string render_csv(const Report& report);

}  // namespace sealpost::mta
