// See metrics.h.
#include "mta/daemon/metrics.h"

#include <algorithm>

#include "mta/daemon/prometheus_text.h"

namespace sealpost::mta {
namespace {

double n(std::uint64_t v) { return static_cast<double>(v); }

void counter(PrometheusText& p, std::string_view name, std::string_view help, std::uint64_t value) {
  p.family(name, "counter", help);
  p.sample(name, n(value));
}

void gauge(PrometheusText& p, std::string_view name, std::string_view help, double value) {
  p.family(name, "gauge", help);
  p.sample(name, value);
}

// The TLS tally's keys (admin_commands.h) as labelled samples: "verified", "encrypted",
// "plaintext" → result; "failed:STAGE" → result failed and, in its own family, the stage;
// "dane:…" and the MTA-STS keys → their own families.
void tls_families(PrometheusText& p, const TlsTally& tally) {
  const auto each = [&](std::string_view name, std::string_view help, auto&& label_of) {
    p.family(name, "counter", help);
    for (const auto& [setting, counts] : tally.counts()) {
      for (const auto& [key, value] : counts) {
        if (auto label = label_of(key)) p.sample(name, {{"setting", setting}, {label->first, label->second}}, n(value));
      }
    }
  };
  using Label = std::optional<std::pair<std::string, std::string>>;
  each("sealpost_tls_connections_total",
       "Outbound connections by destconfig setting and result: verified, encrypted (unverified), plaintext, failed.",
       [](const std::string& key) -> Label {
         if (key == "verified" || key == "encrypted" || key == "plaintext") return std::pair{std::string("result"), key};
         if (key.starts_with("failed:")) return std::pair{std::string("result"), std::string("failed")};
         return std::nullopt;
       });
  // Several failed stages add up under result="failed" above: one sample per stage there
  // would repeat a label set, so the stages have their own family.
  each("sealpost_tls_failures_total", "Failed outbound connections by destconfig setting and the stage that failed.",
       [](const std::string& key) -> Label {
         if (key.starts_with("failed:")) return std::pair{std::string("stage"), key.substr(7)};
         return std::nullopt;
       });
  each("sealpost_dane_outcomes_total", "Hosts DANE was considered for, by DANE state (verified: a TLSA record matched).",
       [](const std::string& key) -> Label {
         if (key.starts_with("dane:")) return std::pair{std::string("state"), key.substr(5)};
         return std::nullopt;
       });
  each("sealpost_mta_sts_outcomes_total",
       "Connections under an MTA-STS policy: sts-enforce:RESULT, sts-testing:RESULT, sts:dane-decides, sts:FETCH-FAILURE.",
       [](const std::string& key) -> Label {
         if (key.starts_with("sts")) return std::pair{std::string("outcome"), key};
         return std::nullopt;
       });
}

}  // namespace

std::string render_metrics(const AdminTarget& t, std::chrono::system_clock::time_point now) {
  PrometheusText p;
  counter(p, "sealpost_inbound_connections_total", "SMTP connections accepted by the listeners.", t.listener.connections());
  counter(p, "sealpost_inbound_connections_refused_total", "SMTP connections refused with 421: beyond max_connections.",
          t.listener.refused());
  gauge(p, "sealpost_inbound_connections_open", "SMTP connections open now.", n(t.listener.open_connections()));

  const auto& c = t.queue.counters();
  counter(p, "sealpost_messages_queued_total", "Messages accepted from clients into the spool.", c.accepted);
  counter(p, "sealpost_messages_delivered_total", "Messages that left the queue with every recipient sent.",
          c.messages_delivered);
  counter(p, "sealpost_messages_bounced_total", "Messages that left the queue with one or more recipients bounced.",
          c.messages_bounced);
  counter(p, "sealpost_messages_deferred_total", "Delivery attempts after which the message stayed queued for a retry.",
          c.messages_deferred);
  p.family("sealpost_recipients_total", "counter", "Recipient results of delivery attempts: sent, deferred, bounced.");
  p.sample("sealpost_recipients_total", {{"result", "sent"}}, n(c.sent));
  p.sample("sealpost_recipients_total", {{"result", "deferred"}}, n(c.deferred));
  p.sample("sealpost_recipients_total", {{"result", "bounced"}}, n(c.bounced));
  counter(p, "sealpost_dsn_queued_total", "Delivery status notifications (bounces) queued to senders.", c.dsn);
  counter(p, "sealpost_alerts_queued_total", "Alerts queued to [alerts] recipients: mandatory TLS failed for a destination.",
          c.alerts);

  const auto spool = t.queue.spool().census();  // one directory pass for both figures
  gauge(p, "sealpost_queue_messages", "Messages in the spool (queued, held or being delivered).", n(spool.messages));
  gauge(p, "sealpost_queue_scheduled_messages", "Messages waiting for their next delivery attempt.", n(t.queue.scheduled()));
  gauge(p, "sealpost_queue_oldest_message_age_seconds", "Age of the message longest in the spool; 0 when it is empty.",
        spool.oldest ? std::max(0.0, std::chrono::duration<double>(now - *spool.oldest).count()) : 0.0);
  gauge(p, "sealpost_deliveries_in_flight", "Delivery attempts running now.", n(t.queue.in_flight()));
  const auto& h = t.queue.commit_latency();
  p.family("sealpost_spool_commit_seconds", "histogram",
           "Time to commit a message to the spool (write, fsync, rename, directory fsync) before the 250 reply.");
  p.histogram("sealpost_spool_commit_seconds", h.bounds(), h.counts(), h.sum(), h.count());

  tls_families(p, t.tally);
  p.family("sealpost_tls_handshakes_total", "counter", "TLS handshakes of outbound connections, full or resumed.");
  p.sample("sealpost_tls_handshakes_total", {{"kind", "full"}}, n(t.tally.handshakes().full));
  p.sample("sealpost_tls_handshakes_total", {{"kind", "resumed"}}, n(t.tally.handshakes().resumed));
  const auto& cache = t.parked.stats();
  counter(p, "sealpost_connections_parked_total", "Outbound connections kept open after a message for the next one.",
          cache.parked);
  counter(p, "sealpost_connections_reused_total", "Messages sent over a parked connection (no new connection or handshake).",
          cache.reused);
  gauge(p, "sealpost_connections_parked", "Outbound connections parked now.", n(t.parked.size()));

  const auto& d = t.resolver.stats();
  counter(p, "sealpost_dns_queries_total", "DNS queries sent to the resolver's servers.", d.queries);
  counter(p, "sealpost_dns_cache_hits_total", "DNS lookups answered from the cache.", d.cache_hits);
  counter(p, "sealpost_dns_collapsed_total", "DNS lookups that joined an identical one in flight.", d.collapsed);

  const auto& sts = t.queue.sts().counters();
  counter(p, "sealpost_mta_sts_fetches_total", "MTA-STS policy fetches that returned a valid policy.", sts.fetched);
  counter(p, "sealpost_mta_sts_fetch_failures_total", "MTA-STS policy fetches that failed.", sts.fetch_failures);
  return p.text();
}

}  // namespace sealpost::mta
