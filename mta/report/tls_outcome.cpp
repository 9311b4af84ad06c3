// TLS outcome record as one JSON line (see tls_outcome.h).
#include "mta/report/tls_outcome.h"

#include <nlohmann/json.hpp>

#include "mta/report/dane_render.h"
#include "mta/report/sts_render.h"
#include "mta/report/trace_render.h"

namespace sealpost::mta {
namespace {

// Each enum's JSON names, in enum order: to_string indexes, parse searches.
constexpr std::string_view kStageNames[] = {
    "connect",   "greeting", "ehlo",     "starttls-offer", "starttls-reply", "starttls-injection",
    "handshake", "chain",    "identity", "tlsa-lookup",    "dane",           "sts-mx",
    "sts",       "auth",     "mail",     "rcpt",           "data",           "quit"};
constexpr std::string_view kStartTlsNames[] = {"not-attempted", "not-offered", "refused", "injection",
                                               "failed",        "ok",          "implicit"};
constexpr std::string_view kResultNames[] = {"sent", "deferred", "bounced", "next-host", "retry-in-clear", "probed"};
static_assert(std::size(kStageNames) == static_cast<std::size_t>(OutcomeStage::kQuit) + 1);
static_assert(std::size(kStartTlsNames) == static_cast<std::size_t>(StartTls::kImplicit) + 1);
static_assert(std::size(kResultNames) == static_cast<std::size_t>(OutcomeResult::kProbed) + 1);

template <class E, std::size_t N>
std::string_view name_of(E e, const std::string_view (&names)[N]) {
  const auto i = static_cast<std::size_t>(e);
  return i < N ? names[i] : "?";
}

template <class E, std::size_t N>
std::optional<E> parse_name(std::string_view text, const std::string_view (&names)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(OutcomeStage stage) { return name_of(stage, kStageNames); }
std::string_view to_string(StartTls starttls) { return name_of(starttls, kStartTlsNames); }
std::string_view to_string(OutcomeResult result) { return name_of(result, kResultNames); }
std::optional<OutcomeStage> parse_outcome_stage(std::string_view text) { return parse_name<OutcomeStage>(text, kStageNames); }
std::optional<StartTls> parse_starttls(std::string_view text) { return parse_name<StartTls>(text, kStartTlsNames); }
std::optional<OutcomeResult> parse_outcome_result(std::string_view text) { return parse_name<OutcomeResult>(text, kResultNames); }

OutcomeStage outcome_stage(policy::Stage stage) {
  switch (stage) {
    case policy::Stage::kStarttlsOffer: return OutcomeStage::kStarttlsOffer;
    case policy::Stage::kStarttlsReply: return OutcomeStage::kStarttlsReply;
    case policy::Stage::kStarttlsInjection: return OutcomeStage::kStarttlsInjection;
    case policy::Stage::kHandshake: return OutcomeStage::kHandshake;
    case policy::Stage::kChain: return OutcomeStage::kChain;
    case policy::Stage::kIdentity: return OutcomeStage::kIdentity;
    case policy::Stage::kTlsaLookup: return OutcomeStage::kTlsaLookup;
    case policy::Stage::kDane: return OutcomeStage::kDane;
    case policy::Stage::kStsMx: return OutcomeStage::kStsMx;
    case policy::Stage::kSts: return OutcomeStage::kSts;
  }
  return OutcomeStage::kHandshake;
}

bool encrypted(const TlsOutcome& o) { return !o.tls_version.empty(); }

std::string to_json_line(const TlsOutcome& o) {
  using nlohmann::json;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json j = {
      {"time", o.time},
      {"queue_id", text_or_null(o.queue_id)},
      {"recipient_domain", o.recipient_domain},
      {"destconfig_entry", text_or_null(o.destconfig_entry)},
      {"setting", std::string(to_string(o.setting))},
      {"via", o.via},
      {"host", o.host},
      {"ip", o.ip},
      {"port", o.port},
      {"stage", to_string(o.stage)},
      {"starttls", to_string(o.starttls)},
      {"tls_version", text_or_null(o.tls_version)},
      {"tls_cipher", text_or_null(o.tls_cipher)},
      {"tls_resumed", o.tls_resumed},
      {"connection_reused", o.connection_reused},
      {"verification", o.trace ? trace_to_json(*o.trace) : json(nullptr)},
      {"fallback", o.fallback_plaintext ? json("plaintext") : json(nullptr)},
      {"result", to_string(o.result)},
      {"status", text_or_null(o.status)},
      {"reason", o.reason},
  };
  if (!o.tls_key_exchange.empty()) j["tls_key_exchange"] = o.tls_key_exchange;
  if (o.dane) j["dane"] = dane_to_json(*o.dane);
  if (o.mta_sts) j["mta_sts"] = sts_to_json(*o.mta_sts);
  if (!o.tlsrpt_rua.empty()) j["tlsrpt_rua"] = o.tlsrpt_rua;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void take_tls_session(TlsOutcome& to, const TlsOutcome& from) {
  to.starttls = from.starttls;
  to.tls_version = from.tls_version;
  to.tls_cipher = from.tls_cipher;
  to.tls_key_exchange = from.tls_key_exchange;
  to.tls_resumed = from.tls_resumed;
}

std::string tls_summary(const TlsOutcome& o) {
  if (o.tls_version.empty()) return "none";
  if (o.dane && o.dane->verified) return "dane-verified(" + o.dane->rule + (o.dane->half ? ", half" : "") + ")";
  if (o.dane && o.dane->state == policy::DaneState::kUnusable) return "dane-encrypt";
  if (o.dane && o.dane->state == policy::DaneState::kUsable) return "encrypted, dane-unverified";
  if (o.mta_sts && o.mta_sts->result == policy::StsResult::kVerified) {
    return "sts-verified(" + std::string(to_string(o.mta_sts->mode)) + ", " + o.mta_sts->matched_pattern + ")";
  }
  if (!o.trace) return "encrypted";
  const auto& t = *o.trace;
  if (!t.verified) return "encrypted, unverified";
  return "verified(" + std::string(to_string(t.rules)) + ", " + t.identity.rule + ")";
}

}  // namespace sealpost::mta
