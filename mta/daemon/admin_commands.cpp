// See admin_commands.h.
#include "mta/daemon/admin_commands.h"

#include <nlohmann/json.hpp>

#include "mta/queue/spool.h"
#include "mta/report/report_stats.h"
#include "policy/domain_name.h"
#include "policy/relay_config.h"

namespace sealpost::mta {
namespace {

std::string status_json(const AdminTarget& t) {
  nlohmann::json j;
  const std::size_t in_spool = t.queue.spooled();
  const std::size_t scheduled = t.queue.scheduled();
  const auto& n = t.queue.counters();
  j["queue"] = {{"messages", in_spool},
                {"scheduled", scheduled},
                {"in_flight", t.queue.in_flight()},
                {"held_or_finishing", in_spool - std::min(in_spool, scheduled)}};
  j["counters"] = {{"accepted", n.accepted},
                   {"sent", n.sent},
                   {"deferred", n.deferred},
                   {"bounced", n.bounced},
                   {"dsn", n.dsn},
                   {"alerts", n.alerts},
                   {"inbound_connections", t.listener.connections()},
                   {"inbound_open", t.listener.open_connections()}};
  j["tls"] = nlohmann::json::object();
  for (const auto& [setting, counts] : t.tally.counts()) j["tls"][setting] = counts;
  const auto& d = t.resolver.stats();
  j["dns"] = {{"queries", d.queries}, {"cache_hits", d.cache_hits}, {"collapsed", d.collapsed}};
  const auto& c = t.parked.stats();
  j["connection_cache"] = {{"parked_now", t.parked.size()}, {"parked", c.parked}, {"reused", c.reused}, {"expired", c.expired}};
  // MTA-STS: the cache under the spool (valid, expired, damaged) and the fetches since start.
  const auto& sts = t.queue.sts();
  std::uint64_t valid = 0, expired = 0, damaged = 0;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  for (const auto& [domain, entry] : sts.store().list()) ++(!entry ? damaged : entry->valid_at(now) ? valid : expired);
  const auto& f = sts.counters();
  j["mta_sts"] = {{"cached_valid", valid},
                  {"cached_expired", expired},
                  {"cached_damaged", damaged},
                  {"fetched", f.fetched},
                  {"fetch_failures", f.fetch_failures},
                  {"refreshed", f.refreshed},
                  {"refresh_failures", f.refresh_failures},
                  {"dns_errors", f.dns_errors}};
  return j.dump(2) + "\n";
}

std::string status_text(const AdminTarget& t) {
  const auto j = nlohmann::json::parse(status_json(t));
  std::string out;
  const auto line = [&](const std::string& title, const nlohmann::json& obj) {
    out += title + ":";
    for (const auto& [k, v] : obj.items()) out += " " + k + "=" + v.dump();
    out += "\n";
  };
  line("queue", j["queue"]);
  line("counters", j["counters"]);
  line("dns", j["dns"]);
  line("connection cache", j["connection_cache"]);
  line("mta-sts", j["mta_sts"]);
  for (const auto& [setting, counts] : j["tls"].items()) line("tls " + setting, counts);
  return out;
}

ControlAnswer from_queue(const QueueAnswer& a) { return {.exit_status = a.ok ? 0 : 1, .output = a.text}; }

}  // namespace

void TlsTally::add(const TlsOutcome& o) {
  auto& t = counts_[std::string(policy::to_string(o.setting))];
  ++t["connections"];
  if (!o.tls_version.empty() && !o.connection_reused) ++(o.tls_resumed ? handshakes_.resumed : handshakes_.full);
  // The same four verdicts as `sealpost report` (report_stats.h), in status's words.
  switch (verdict_of(o)) {
    case Verdict::kVerified: ++t["verified"]; break;
    case Verdict::kUnverified: ++t["encrypted"]; break;
    case Verdict::kPlaintext: ++t["plaintext"]; break;
    case Verdict::kFailed: ++t["failed:" + std::string(to_string(o.stage))]; break;
  }
  // DANE outcomes (KumoMTA's dane_result_count): the host's state, and the matches.
  if (o.dane && o.dane->state != policy::DaneState::kNone) {
    ++t["dane:" + std::string(policy::to_string(o.dane->state))];
    if (o.dane->verified) ++t["dane:verified"];
  }
  // MTA-STS outcomes: enforced or testing and what the host made of the policy; a policy that
  // could not be fetched; a host where DANE decided instead.
  if (o.mta_sts) {
    const auto& m = *o.mta_sts;
    ++t[m.origin == "none" ? "sts:" + m.fetch_failure
        : m.dane_decides   ? std::string("sts:dane-decides")
                         : std::string(m.enforced ? "sts-enforce:" : "sts-testing:") + std::string(policy::to_string(m.result))];
  }
}

ControlAnswer answer_control(const std::string& request, const AdminTarget& t) {
  std::vector<std::string> words;
  for (std::size_t pos = 0; pos < request.size();) {
    const auto end = std::min(request.find(' ', pos), request.size());
    if (end > pos) words.push_back(request.substr(pos, end - pos));
    pos = end + 1;
  }
  const auto bad = ControlAnswer{.exit_status = 2, .output = "unknown request '" + policy::escape_for_display(request) + "'\n"};
  if (words.empty()) return bad;
  const std::string& verb = words[0];
  if (verb == "status" && words.size() <= 2) {
    return {.exit_status = 0, .output = words.size() == 2 && words[1] == "--json" ? status_json(t) : status_text(t)};
  }
  if (verb == "reload" && words.size() == 1) {
    auto s = t.reload();
    return s ? ControlAnswer{.exit_status = 0, .output = "configuration reloaded\n"}
             : ControlAnswer{.exit_status = 1,
                             .output = "reload refused, the running configuration stays: " + s.error().message + "\n"};
  }
  if (verb == "debug" && words.size() == 1) {
    std::string out;
    for (const std::string_view c : {"dns", "smtp", "tls", "pki", "queue"}) {
      out += std::string(c) + (t.log.debugging(c) ? " on\n" : " off\n");
    }
    return {.exit_status = 0, .output = out};
  }
  if (verb == "debug" && words.size() == 3 && (words[2] == "on" || words[2] == "off")) {
    if (!policy::is_debug_category(words[1])) {
      return {.exit_status = 2,
              .output =
                  "'" + policy::escape_for_display(words[1]) + "' is not one of " + std::string(policy::kDebugCategories) + "\n"};
    }
    t.log.switch_debug(words[1], words[2] == "on");
    t.log(LogLevel::kInfo, "debug " + words[1] + " " + words[2] + " (until the next reload)");
    return {.exit_status = 0, .output = "debug " + words[1] + " " + words[2] + "\n"};
  }
  if (verb == "flush" && words.size() == 1) {
    return {.exit_status = 0, .output = std::to_string(t.queue.flush_all()) + " message(s) scheduled now\n"};
  }
  if ((verb == "flush" || verb == "hold" || verb == "release" || verb == "delete") && words.size() == 2) {
    const std::string& id = words[1];
    if (!valid_queue_id(id)) return {.exit_status = 2, .output = "'" + policy::escape_for_display(id) + "' is not a queue ID\n"};
    if (verb == "delete") return from_queue(t.queue.remove(id));
    if (verb == "hold") return from_queue(t.queue.hold(id));
    if (verb == "release") return from_queue(t.queue.release(id));
    return from_queue(t.queue.flush(id));
  }
  return bad;
}

}  // namespace sealpost::mta
