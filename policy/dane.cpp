// The DANE state of a host and the DANE-TA name check (see dane.h).
#include "policy/dane.h"

#include <array>
#include <utility>

#include "policy/domain_name.h"
#include "policy/enum_words.h"
#include "policy/reference_id.h"

namespace sealpost::policy {
namespace {

constexpr std::array kModes{DaneMode::kOff, DaneMode::kOpportunistic, DaneMode::kMandatory};
constexpr std::array kInsecureMx{DaneInsecureMx::kDane, DaneInsecureMx::kSkip};
constexpr std::array kStates{DaneState::kNone, DaneState::kTempfail, DaneState::kUsable, DaneState::kUnusable,
                             DaneState::kRequired};
constexpr std::array kAnswers{TlsaAnswer::kNotLooked, TlsaAnswer::kFailed, TlsaAnswer::kInsecure, TlsaAnswer::kSecureEmpty,
                              TlsaAnswer::kSecureFound};

}  // namespace

std::string_view to_string(DaneMode mode) {
  switch (mode) {
    case DaneMode::kOff: return "off";
    case DaneMode::kOpportunistic: return "opportunistic";
    case DaneMode::kMandatory: return "mandatory";
  }
  return "?";
}

std::string_view to_string(DaneInsecureMx value) { return value == DaneInsecureMx::kDane ? "dane" : "skip"; }

std::string_view to_string(DaneState state) {
  switch (state) {
    case DaneState::kNone: return "none";
    case DaneState::kTempfail: return "tempfail";
    case DaneState::kUsable: return "usable";
    case DaneState::kUnusable: return "unusable";
    case DaneState::kRequired: return "dane-required";
  }
  return "?";
}

std::string_view to_string(TlsaAnswer answer) {
  switch (answer) {
    case TlsaAnswer::kNotLooked: return "not-looked-up";
    case TlsaAnswer::kFailed: return "failed";
    case TlsaAnswer::kInsecure: return "insecure";
    case TlsaAnswer::kSecureEmpty: return "secure-empty";
    case TlsaAnswer::kSecureFound: return "secure";
  }
  return "?";
}

std::optional<DaneMode> parse_dane_mode(std::string_view text) { return parse_word(kModes, text); }
std::optional<DaneInsecureMx> parse_dane_insecure_mx(std::string_view text) { return parse_word(kInsecureMx, text); }
std::optional<DaneState> parse_dane_state(std::string_view text) { return parse_word(kStates, text); }
std::optional<TlsaAnswer> parse_tlsa_answer(std::string_view text) { return parse_word(kAnswers, text); }

std::optional<std::string> dane_inapplicable(const DaneFacts& f) {
  if (f.setting == TlsSetting::kNo) return "DANE is off: tls = no";
  if (f.mode == DaneMode::kOff) return "DANE is off for this destination";
  // Rule 1: c-ares does not validate; the AD bit means something only from a resolver the
  // operator declared validating (RFC 7672 §2.1.3).
  if (!f.dnssec_trusted) return "[dns] dnssec is off: no validating resolver is trusted";
  if (!f.mx_secure && f.insecure_mx == DaneInsecureMx::kSkip)
    return "the MX RRset is not DNSSEC-signed (dane-insecure-mx = skip)";
  return std::nullopt;
}

DaneVerdict dane_state(const DaneFacts& f) {
  // tls = no switches even mandatory DANE off (§0); otherwise, without DANE here, `mandatory`
  // refuses the host (RFC 7672 §6) and opportunistic goes on as the ESA setting says.
  const bool mandatory = f.mode == DaneMode::kMandatory && f.setting != TlsSetting::kNo;
  const auto without = [&](std::string why) {
    if (mandatory) return DaneVerdict{.state = DaneState::kRequired, .half = false, .reason = why};
    return DaneVerdict{.state = DaneState::kNone, .half = false, .reason = std::move(why)};
  };
  if (auto why = dane_inapplicable(f)) return without(std::move(*why));
  const std::string detail = f.detail.empty() ? "" : ": " + f.detail;
  switch (f.tlsa) {
    case TlsaAnswer::kNotLooked: return without("the host's address records are not DNSSEC-signed" + detail);
    case TlsaAnswer::kFailed:
      // RFC 7672 §2.1.2: a failed lookup may hide a downgrade; never deliver without it.
      return {.state = DaneState::kTempfail, .half = false, .reason = f.detail.empty() ? "TLSA lookup error" : f.detail};
    case TlsaAnswer::kInsecure: return without("the TLSA answer is not DNSSEC-signed" + detail);
    case TlsaAnswer::kSecureEmpty: return without("no TLSA records" + detail);
    case TlsaAnswer::kSecureFound: break;
  }
  const bool half = !f.mx_secure;
  if (f.usable_records > 0) {
    return {.state = DaneState::kUsable,
            .half = half,
            .reason = std::to_string(f.usable_records) + " usable TLSA record(s)" + (half ? " below an insecure MX RRset" : "")};
  }
  // RFC 7672 §3.1.3 / rule 8: records exist but none is usable: encrypt, unauthenticated.
  if (mandatory) return {.state = DaneState::kRequired, .half = half, .reason = "every TLSA record is unusable" + detail};
  return {.state = DaneState::kUnusable, .half = half, .reason = "all TLSA records are unusable" + detail};
}

IdentityResult match_dane_names(const std::vector<PresentedId>& presented, const DaneNames& names) {
  std::vector<ReferenceId> refs;
  const auto add = [&](RefSource source, const std::string& raw) {
    auto n = normalize_reference_name(raw);
    if (!n) return;
    for (const auto& r : refs) {
      if (r.value == *n) return;  // the MX host is listed only when CNAME expansion changed it
    }
    refs.push_back({.source = source, .value = std::move(*n), .ip = {}, .trusted = true, .note = {}});
  };
  add(RefSource::kTlsaBase, names.tlsa_base);
  add(RefSource::kMxHost, names.mx_host);
  add(RefSource::kRecipientDomain, names.recipient_domain);
  return match_dane_identity(presented, refs);
}

}  // namespace sealpost::policy
