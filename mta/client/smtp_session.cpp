// The SMTP client session (see smtp_session.h). Reads top to bottom: run() calls one step
// after another; a step returns false when the session is over, with result_ filled in.
#include "mta/client/smtp_session.h"

#include <algorithm>

#include "mta/client/connection_cache.h"
#include "mta/client/peer_verification.h"
#include "mta/client/session_outcome.h"
#include "mta/client/smtp_auth.h"
#include "mta/client/smtp_connection.h"
#include "mta/smtp/address.h"
#include "mta/smtp/recipient_replies.h"
#include "policy/domain_name.h"
#include "policy/time_format.h"
#include "policy/utf8.h"

namespace sealpost::mta {

namespace asio = boost::asio;
namespace {

using policy::Stage;
using policy::TlsSetting;

class Session {
 public:
  Session(const SessionContext& ctx, SessionRequest req, asio::any_io_executor ex)
      : ctx_(ctx), req_(std::move(req)), conn_(std::make_unique<SmtpConnection>(ex)) {
    auto& o = result_.outcome;
    o.time = policy::rfc3339_utc(std::chrono::system_clock::now());
    o.recipient_domain = req_.facts.recipient_domain;
    o.setting = req_.setting;
    o.via = req_.facts.by_route() ? "route" : "mx";
    o.host = req_.target.host;
    o.ip = req_.target.address.to_string();
    o.port = req_.target.port;
    o.fallback_plaintext = req_.in_clear;
    if (req_.dane.looked_up || req_.dane.state != policy::DaneState::kNone) o.dane = req_.dane.trace;
    o.mta_sts = req_.sts;
    if (ctx_.log && ctx_.log->debugging("smtp"))  // `debug smtp`: the outbound dialogue (smtp_connection.h)
      conn_->trace_to([log = ctx_.log, at = where()](const std::string& line) { log->debug("smtp", at + " " + line); });
  }

  asio::awaitable<SessionResult> run() {
    // One step after another; no co_await inside && (g++ 12 has miscompiled that).
    bool ok = dane_allows();
    if (ok) ok = sts_allows();
    if (ok) ok = co_await connect();
    if (ok) ok = co_await greeting();
    if (ok) ok = co_await ehlo();
    if (ok) ok = co_await starttls();
    if (ok) ok = verify();
    if (ok) ok = co_await authenticate();
    if (ok) ok = co_await transaction();
    if (ok) result_.verdict = HostVerdict::kDone;
    co_await quit();
    finish();
    co_return std::move(result_);
  }

  // A connection from the cache (connection_cache.h), verified when it was opened: straight
  // to MAIL. Nothing when the server had closed it meanwhile (the caller opens a new one).
  asio::awaitable<std::optional<SessionResult>> run_reused(ParkedConnection parked) {
    conn_ = std::move(parked.connection);
    caps_ = std::move(parked.capabilities);
    messages_ = parked.messages;
    connected_ = true;
    tls_note_ = parked.outcome.reason;
    take_parked_outcome(result_.outcome, std::move(parked.outcome), req_, parked.chain);
    result_.chain = std::move(parked.chain);
    const bool ok = co_await transaction();
    if (!ok && broken_ && result_.recipients.empty()) {
      conn_->close();
      co_return std::nullopt;
    }
    if (ok) result_.verdict = HostVerdict::kDone;
    co_await quit();
    finish();
    co_return std::move(result_);
  }

 private:
  bool usable_dane() const { return req_.dane.state == policy::DaneState::kUsable; }
  bool sts_enforced() const { return req_.sts && req_.sts->enforced; }
  bool sts_checks() const { return req_.sts && req_.sts->mx_matched && !req_.sts->dane_decides; }
  std::string where() const { return req_.target.host + "[" + req_.target.address.to_string() + "]"; }

  // A failure that is not a TLS stage: this host failed, try the next.
  bool host_failed(OutcomeStage stage, std::string status, std::string reason) {
    result_.outcome.stage = stage;
    result_.verdict = HostVerdict::kNextHost;
    result_.status = std::move(status);
    result_.reason = std::move(reason);
    return false;
  }

  // The connection failed (I/O error, timeout, malformed reply): nothing more is said on it.
  bool broken(OutcomeStage stage, std::string status, std::string reason) {
    broken_ = true;
    return host_failed(stage, std::move(status), std::move(reason));
  }

  // A TLS stage failed: TLS-POLICY.md §7 decides. Returns whether the session goes on.
  bool tls_failed(Stage stage, std::string detail) {
    const auto d = policy::decide(req_.setting, req_.dane.state, sts_enforced(),
                                  {.stage = stage,
                                   .host = req_.target.host,
                                   .ip = req_.target.address.to_string(),
                                   .detail = policy::escape_for_display(detail),
                                   .more_hosts = req_.more_hosts,
                                   .port = req_.target.port});
    result_.outcome.stage = outcome_stage(stage);
    switch (d.action) {
      case policy::Action::kContinue:
      case policy::Action::kContinueInClear: tls_note_ = d.reason; return true;
      case policy::Action::kRetryInClear: result_.verdict = HostVerdict::kRetryInClear; break;
      case policy::Action::kNextHost: result_.verdict = HostVerdict::kNextHost; break;
      case policy::Action::kDefer: result_.verdict = HostVerdict::kDefer; break;
    }
    result_.status = d.status;
    result_.reason = d.reason;
    return false;
  }

  // DANE-MTA-STS.md §0: a failed TLSA lookup, or mandatory DANE without usable records, refuses
  // the host before it is connected to (policy::decide at stage tlsa-lookup).
  bool dane_allows() {
    const auto state = req_.dane.state;
    if (state != policy::DaneState::kTempfail && state != policy::DaneState::kRequired) return true;
    return tls_failed(Stage::kTlsaLookup, req_.dane.trace.reason);
  }

  // RFC 8461 §4.1: an enforced policy whose patterns leave the host out refuses it before it
  // is connected to; under testing the mismatch is only recorded (the trace says it).
  bool sts_allows() {
    if (!sts_enforced() || req_.sts->mx_matched) return true;
    return tls_failed(Stage::kStsMx, req_.sts->reason);
  }

  // RFC 8461 §4.2: the chain trusted and a DNS-ID naming the MX host. Recorded always; enforced
  // as stage sts (the setting's own checks follow it: with required-verify* both must pass).
  bool check_sts(const policy::VerificationTrace& t) {
    if (!sts_checks() || !result_.outcome.mta_sts) return true;
    auto& sts = *result_.outcome.mta_sts;
    return policy::record_sts_certificate(sts, t.chain, t.presented, req_.target.host) || !sts.enforced ||
           tls_failed(Stage::kSts, sts.reason);
  }

  asio::awaitable<bool> connect() {
    result_.outcome.stage = OutcomeStage::kConnect;
    const asio::ip::tcp::endpoint ep(req_.target.address, req_.target.port);
    if (auto s = co_await conn_->connect(ep, ctx_.timeouts.connect); !s) {
      co_return host_failed(OutcomeStage::kConnect, "4.4.1",
                            "connect to " + where() + ":" + std::to_string(req_.target.port) + " failed: " + s.error().message);
    }
    connected_ = true;
    if (req_.target.implicit_tls) {
      // RFC 8314 §3.3: TLS first, SMTP inside it; there is no clear text to fall back to.
      result_.outcome.starttls = StartTls::kImplicit;
      if (!co_await handshake()) co_return false;
    }
    co_return true;
  }

  asio::awaitable<bool> greeting() {
    result_.outcome.stage = OutcomeStage::kGreeting;
    auto r = co_await conn_->read_reply(ctx_.timeouts.greeting);
    if (!r) co_return broken(OutcomeStage::kGreeting, "4.4.2", "no greeting from " + where() + ": " + r.error().message);
    if (r->code != 220)
      co_return host_failed(OutcomeStage::kGreeting, failure_status(*r), where() + " refused the session: " + r->summary());
    co_return true;
  }

  asio::awaitable<bool> ehlo() {
    result_.outcome.stage = OutcomeStage::kEhlo;
    auto r = co_await conn_->command("EHLO " + ctx_.helo_name, ctx_.timeouts.command);
    if (!r) co_return broken(OutcomeStage::kEhlo, "4.4.2", "EHLO to " + where() + ": " + r.error().message);
    if (r->code == 250) {
      caps_ = parse_ehlo(*r);
      co_return true;
    }
    if (!r->permanent())
      co_return host_failed(OutcomeStage::kEhlo, enhanced_or(*r, "4.0.0"), "EHLO refused by " + where() + ": " + r->summary());
    // RFC 5321 §3.2: a server that does not know EHLO gets HELO, and offers no extensions.
    auto h = co_await conn_->command("HELO " + ctx_.helo_name, ctx_.timeouts.command);
    if (!h) co_return broken(OutcomeStage::kEhlo, "4.4.2", "HELO to " + where() + ": " + h.error().message);
    if (h->code != 250)
      co_return host_failed(OutcomeStage::kEhlo, enhanced_or(*h, "4.0.0"), "HELO refused by " + where() + ": " + h->summary());
    caps_ = {};
    co_return true;
  }

  asio::awaitable<bool> handshake() {
    result_.outcome.stage = OutcomeStage::kHandshake;
    tls::TlsClientConfig cfg{
        // RFC 7672 §8.1: with usable TLSA, SNI names the TLSA base domain.
        .server_name = usable_dane() ? req_.dane.trace.tlsa_base : req_.target.host,
        .port = req_.target.port,
        // Legacy versions and suites only where the alternative is clear text.
        .strength = policy::tls_mandatory(req_.setting, req_.dane.state, sts_enforced()) ? tls::TlsStrength::kModern
                                                                                         : tls::TlsStrength::kLegacy};
    if (auto s = co_await conn_->start_tls(*ctx_.tls, std::move(cfg), ctx_.timeouts.tls_handshake); !s) {
      if (result_.outcome.starttls != StartTls::kImplicit) result_.outcome.starttls = StartTls::kFailed;
      if (req_.target.implicit_tls) {
        // No clear retry is possible on an implicit-TLS port, whatever the setting.
        co_return host_failed(OutcomeStage::kHandshake, "4.7.5",
                              "TLS handshake with " + where() + " failed: " + s.error().message);
      }
      co_return tls_failed(Stage::kHandshake, s.error().message);
    }
    const auto* facts = conn_->tls_facts();
    result_.outcome.tls_version = facts->version;
    result_.outcome.tls_cipher = facts->cipher;
    result_.outcome.tls_key_exchange = facts->key_exchange;
    result_.outcome.tls_resumed = facts->resumed;
    result_.chain = facts->chain;
    if (result_.outcome.starttls != StartTls::kImplicit) result_.outcome.starttls = StartTls::kOk;
    co_return true;
  }

  asio::awaitable<bool> starttls() {
    if (conn_->encrypted() || !policy::sends_starttls(req_.setting) || req_.in_clear) co_return true;
    if (!caps_.starttls) {
      result_.outcome.starttls = StartTls::kNotOffered;
      co_return tls_failed(Stage::kStarttlsOffer, "");
    }
    result_.outcome.stage = OutcomeStage::kStarttlsReply;
    auto r = co_await conn_->command("STARTTLS", ctx_.timeouts.command);
    if (!r) co_return broken(OutcomeStage::kStarttlsReply, "4.4.2", "STARTTLS to " + where() + ": " + r.error().message);
    if (r->code != 220) {
      result_.outcome.starttls = StartTls::kRefused;
      co_return tls_failed(Stage::kStarttlsReply, r->summary());
    }
    if (conn_->has_unread_input()) {
      result_.outcome.starttls = StartTls::kInjection;
      co_return tls_failed(Stage::kStarttlsInjection, "");
    }
    if (!co_await handshake()) co_return false;
    // RFC 3207 §4.2: forget everything learned in clear, and ask again.
    caps_ = {};
    result_.outcome.stage = OutcomeStage::kEhlo;
    auto e = co_await conn_->command("EHLO " + ctx_.helo_name, ctx_.timeouts.command);
    if (!e) co_return broken(OutcomeStage::kEhlo, "4.4.2", "EHLO after STARTTLS to " + where() + ": " + e.error().message);
    if (e->code != 250)
      co_return host_failed(OutcomeStage::kEhlo, enhanced_or(*e, "4.0.0"),
                            "EHLO after STARTTLS refused by " + where() + ": " + e->summary());
    caps_ = parse_ehlo(*e);
    co_return true;
  }

  // Chain, then identity (TLS-POLICY.md §1). Settings that do not verify still record what a
  // verification would have said.
  bool verify() {
    if (!conn_->encrypted() || result_.chain.empty()) return true;
    auto trace = verify_peer(ctx_, req_, result_.chain);
    if (!trace) return host_failed(OutcomeStage::kChain, "4.7.5", "cannot verify " + where() + ": " + trace.error().message);
    result_.outcome.trace = std::move(*trace);
    const auto& t = *result_.outcome.trace;
    result_.outcome.stage = OutcomeStage::kIdentity;
    if (usable_dane()) {
      // Usable TLSA replaces the chain and identity rules (DANE-MTA-STS.md §0, decision).
      result_.outcome.stage = OutcomeStage::kDane;
      verify_dane(ctx_, req_, result_.chain, *result_.outcome.dane);
      return result_.outcome.dane->verified || tls_failed(Stage::kDane, result_.outcome.dane->reason);
    }
    if (!check_sts(t)) return false;
    result_.outcome.stage = OutcomeStage::kIdentity;
    if (!policy::verifies_certificate(req_.setting)) return true;
    if (!t.chain.ok) return tls_failed(Stage::kChain, t.chain.error);
    if (!t.identity.matched) return tls_failed(Stage::kIdentity, t.verdict);
    return true;
  }

  asio::awaitable<bool> authenticate() {
    if (!req_.envelope || !req_.target.credentials) co_return true;
    result_.outcome.stage = OutcomeStage::kAuth;
    // TLS-POLICY.md §7: credentials only over an established TLS session, whatever the setting.
    if (!conn_->encrypted())
      co_return host_failed(OutcomeStage::kAuth, "5.7.11",
                            "AUTH refused: TLS is not established with " + where() + ", credentials are never sent in clear");
    const auto& c = *req_.target.credentials;
    const Result<Reply> r = co_await mta::authenticate(*conn_, c, caps_, ctx_.timeouts.command);
    if (!r) co_return broken(OutcomeStage::kAuth, "4.4.2", "AUTH with " + where() + ": " + r.error().message);
    if (r->code != 235) {
      co_return host_failed(
          OutcomeStage::kAuth, enhanced_or(*r, r->permanent() ? "5.7.8" : "4.7.0"),
          "authentication as " + policy::escape_for_display(c.user) + " failed at " + where() + ": " + r->summary());
    }
    co_return true;
  }

  asio::awaitable<bool> transaction() {
    const Envelope* env = req_.envelope;
    if (!env) {
      result_.outcome.result = OutcomeResult::kProbed;
      co_return true;
    }
    const auto& t = ctx_.timeouts;
    const bool eight_bit = policy::has_non_ascii(env->content);
    // RFC 6531 §3.7.4: UTF-8 in local parts or headers goes only to a next hop offering
    // SMTPUTF8 (5.6.7 otherwise, as Postfix); without it, addresses go out with A-labels.
    const bool utf8 = needs_smtputf8(*env);
    const auto wire = [utf8](const std::string& a) { return utf8 ? a : ascii_address(a); };
    std::string mail = "MAIL FROM:<" + wire(env->from) + ">";
    if (caps_.size) mail += " SIZE=" + std::to_string(env->content.size());
    if (eight_bit && caps_.eight_bit_mime) mail += " BODY=8BITMIME";
    if (utf8) mail += " SMTPUTF8";
    if (utf8 && !caps_.smtputf8) co_return bounce_all("5.6.7", "SMTPUTF8 is required, but was not offered by " + where());
    if (caps_.size && *caps_.size > 0 && env->content.size() > *caps_.size) {
      co_return bounce_all("5.3.4", "message size " + std::to_string(env->content.size()) + " exceeds the limit " +
                                        std::to_string(*caps_.size) + " of " + where());
    }
    // RFC 2920: with PIPELINING, MAIL and every RCPT go in one write; replies come in order.
    std::vector<std::string> commands = {mail};
    for (const auto& a : env->recipients) commands.push_back("RCPT TO:<" + wire(a) + ">");
    std::vector<Result<Reply>> replies;
    result_.outcome.stage = OutcomeStage::kMail;
    if (caps_.pipelining) {
      if (auto w = co_await conn_->write_commands(commands, t.command); !w)
        co_return host_failed(OutcomeStage::kMail, "4.4.2", "MAIL to " + where() + ": " + w.error().message);
      for (std::size_t i = 0; i < commands.size(); ++i) replies.push_back(co_await conn_->read_reply(t.command));
    } else {
      replies.push_back(co_await conn_->command(commands[0], t.command));
      for (std::size_t i = 1; i < commands.size() && replies.front() && replies.front()->positive(); ++i) {
        replies.push_back(co_await conn_->command(commands[i], t.command));
      }
    }
    const auto& m = replies.front();
    if (!m) co_return broken(OutcomeStage::kMail, "4.4.2", "MAIL to " + where() + ": " + m.error().message);
    if (!m->positive()) {
      co_await reset();
      // A 5xx to MAIL is final for every recipient; a 4xx defers them (RFC 5321 §4.2.1).
      for (const auto& a : env->recipients) result_.recipients.push_back(settle(a, *m, where(), "MAIL FROM"));
      co_return true;
    }
    result_.outcome.stage = OutcomeStage::kRcpt;
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < env->recipients.size(); ++i) {
      const auto& a = env->recipients[i];
      if (i + 1 >= replies.size() || !replies[i + 1]) {
        co_return broken(OutcomeStage::kRcpt, "4.4.2",
                         "RCPT to " + where() + ": " + (i + 1 < replies.size() ? replies[i + 1].error().message : "no reply"));
      }
      const Reply& r = *replies[i + 1];
      if (r.positive()) {
        ++accepted;
        result_.recipients.push_back({.address = a, .status = RecipientStatus::kSent, .status_code = {}, .reply = {}});
      } else {
        result_.recipients.push_back(settle(a, r, where(), "RCPT TO"));
      }
    }
    if (accepted == 0) {
      co_await reset();
      co_return true;
    }
    result_.outcome.stage = OutcomeStage::kData;
    auto d = co_await conn_->command("DATA", t.data_start);
    if (!d) co_return broken(OutcomeStage::kData, "4.4.2", "DATA to " + where() + ": " + d.error().message);
    if (d->code != 354) {
      settle_accepted(result_.recipients, *d, where(), "DATA");
      clean_ = false;  // the server may keep the envelope: not reused
      co_return true;
    }
    if (auto w = co_await conn_->write(dot_stuff(env->content), t.data_block); !w) {
      co_return broken(OutcomeStage::kData, "4.4.2", "sending the message to " + where() + ": " + w.error().message);
    }
    auto end = co_await conn_->read_reply(t.data_end);
    if (!end) co_return broken(OutcomeStage::kData, "4.4.2", "after the message, " + where() + ": " + end.error().message);
    settle_accepted(result_.recipients, *end, where(), "end of DATA");
    co_return true;
  }

  bool bounce_all(const char* code, const std::string& reason) {  // before MAIL: the connection stays clean
    for (const auto& a : req_.envelope->recipients)
      result_.recipients.push_back({.address = a, .status = RecipientStatus::kBounced, .status_code = code, .reply = reason});
    return true;
  }

  // RFC 5321 §4.1.1.5: a transaction that will not reach DATA is aborted with RSET, so the
  // server discards its state before QUIT (and, with connection reuse, before the next one).
  asio::awaitable<void> reset() {
    auto r = co_await conn_->command("RSET", ctx_.timeouts.command);
    if (!r) broken_ = true;
  }

  asio::awaitable<void> quit() {
    if (!connected_) co_return;
    // Parked for the next message with the same key (connection_cache.h); never a clear retry.
    if (!broken_ && clean_ && result_.verdict == HostVerdict::kDone && req_.envelope && !req_.in_clear && ctx_.connections &&
        !req_.reuse_key.empty() && messages_ + 1 < req_.max_messages) {
      ctx_.connections->park(req_.reuse_key, {.connection = std::move(conn_),
                                              .capabilities = caps_,
                                              .outcome = result_.outcome,
                                              .chain = result_.chain,
                                              .messages = messages_ + 1});
      conn_ = nullptr;
      co_return;
    }
    // A connection abandoned for response injection is aborted, not spoken to again (§7).
    if (!broken_ && result_.outcome.starttls != StartTls::kInjection && result_.outcome.starttls != StartTls::kFailed) {
      auto r = co_await conn_->command("QUIT",
                                       std::chrono::milliseconds(std::min<std::int64_t>(ctx_.timeouts.command.count(), 10'000)));
      (void)r;  // the mail is already accepted or not: QUIT's reply changes nothing
    }
    co_await conn_->shutdown();
  }

  void finish() { close_outcome(result_, tls_note_, {.in_clear = req_.in_clear, .sts_checked = sts_checks(), .where = where()}); }

  const SessionContext& ctx_;
  SessionRequest req_;
  std::unique_ptr<SmtpConnection> conn_;
  EhloCapabilities caps_;
  SessionResult result_;
  std::string tls_note_;  // why TLS is absent or unverified when delivery went on anyway
  bool connected_ = false;
  bool broken_ = false;
  bool clean_ = true;           // the server is between transactions
  std::uint32_t messages_ = 0;  // sent on this connection before this one
};

}  // namespace

asio::awaitable<SessionResult> run_session(const SessionContext& context, SessionRequest request) {
  const auto executor = co_await asio::this_coro::executor;
  if (context.connections && !request.reuse_key.empty() && !request.in_clear) {
    while (auto parked = context.connections->take(request.reuse_key)) {
      Session reused(context, request, executor);
      auto result = co_await reused.run_reused(std::move(*parked));
      if (result) co_return std::move(*result);
    }
  }
  Session session(context, std::move(request), executor);
  co_return co_await session.run();
}

}  // namespace sealpost::mta
