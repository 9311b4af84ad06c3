// TLS-POLICY.md §7, row by row. The table is small enough to read as code; each branch names
// the row it implements.
#include "policy/stage_decision.h"

namespace sealpost::policy {
namespace {

std::string where(const StageFailure& f) { return f.ip.empty() ? f.host : f.host + "[" + f.ip + "]"; }

std::string with_detail(std::string text, const StageFailure& f) { return f.detail.empty() ? text : text + ": " + f.detail; }

// This host failed for a TLS reason: the next host, or a deferral when none is left.
Decision host_failed(const StageFailure& f, std::string status, std::string reason) {
  return {.action = f.more_hosts ? Action::kNextHost : Action::kDefer,
          .status = std::move(status),
          .reason = std::move(reason),
          .fallback_plaintext = false};
}

Decision go_on(Action action, std::string reason, bool fallback = false) {
  return {.action = action, .status = {}, .reason = std::move(reason), .fallback_plaintext = fallback};
}

}  // namespace

Decision decide(TlsSetting s, const StageFailure& f) {
  if (s == TlsSetting::kNo) {
    // Setting 1 never sends STARTTLS, so no TLS stage can fail.
    return go_on(Action::kContinueInClear, "TLS is not used with " + where(f) + " (tls=no)");
  }
  switch (f.stage) {
    case Stage::kStarttlsOffer:
      if (!requires_tls(s))
        return go_on(Action::kContinueInClear, "STARTTLS not offered by " + where(f) + "; delivering in clear");
      return host_failed(f, "4.7.4", "TLS is required, but was not offered by " + where(f));
    case Stage::kStarttlsReply:
      if (!requires_tls(s)) {
        return go_on(Action::kContinueInClear, with_detail("STARTTLS refused by " + where(f) + "; delivering in clear", f));
      }
      return host_failed(f, "4.7.4", with_detail("TLS is required, but STARTTLS was refused by " + where(f), f));
    case Stage::kStarttlsInjection:
      // RFC 3207 §5 / CVE-2011-0411: the connection can no longer be trusted in any form, and
      // (decision) a preferred setting does not retry in clear either: the next host instead.
      return host_failed(
          f, "4.7.0",
          "STARTTLS response injection by " + where(f) + ": data arrived after the 220 reply before the TLS handshake");
    case Stage::kHandshake:
      if (!requires_tls(s)) {
        // Never fall back on the same connection; a new clear connection, once (decision,
        // as Postfix and Exim do).
        return go_on(Action::kRetryInClear,
                     with_detail("TLS handshake with " + where(f) + " failed", f) + "; retrying in clear on a new connection",
                     /*fallback=*/true);
      }
      return host_failed(f, "4.7.5", with_detail("TLS handshake with " + where(f) + " failed", f));
    case Stage::kTlsaLookup:
    case Stage::kDane: return decide(s, DaneState::kNone, f);
    case Stage::kStsMx:
    case Stage::kSts: return decide(s, DaneState::kNone, /*sts_enforce=*/true, f);  // fail closed
    case Stage::kChain:
    case Stage::kIdentity: {
      const std::string what =
          (f.stage == Stage::kChain ? "certificate chain not trusted: " : "certificate identity did not match: ") + where(f);
      if (!requires_verification(s)) {
        // Settings 2 and 3 do not verify; setting 4 logs the failure and goes on encrypted.
        return go_on(Action::kContinue, with_detail(what, f) + "; delivering encrypted, unverified");
      }
      return host_failed(f, "4.7.5", with_detail(what, f));
    }
  }
  return host_failed(f, "4.7.0", "unknown TLS stage");
}

Decision decide(TlsSetting s, DaneState dane, const StageFailure& f) {
  if (f.stage == Stage::kStsMx || f.stage == Stage::kSts) return decide(s, dane, /*sts_enforce=*/true, f);  // fail closed
  const bool tls_stage = f.stage != Stage::kTlsaLookup && f.stage != Stage::kDane;
  if (s == TlsSetting::kNo || (dane == DaneState::kNone && tls_stage)) return decide(s, f);
  const std::string port = f.port == 0 ? "" : ":" + std::to_string(f.port);
  switch (dane) {
    case DaneState::kTempfail:
      // RFC 7672 §2.1.2: never plaintext; the next MX, or a deferral.
      return host_failed(f, "4.7.5", with_detail("TLSA lookup error for " + where(f) + port, f));
    case DaneState::kRequired:
      // RFC 7672 §6: mandatory DANE without usable TLSA records.
      return host_failed(f, "4.7.5", with_detail("DANE is required, but " + where(f) + port + " has no usable TLSA record", f));
    case DaneState::kNone:
      if (f.stage == Stage::kTlsaLookup) return go_on(Action::kContinue, "no DANE for " + where(f));
      return host_failed(f, "4.7.5", with_detail("no DANE for " + where(f), f));  // kDane cannot arise: fail closed
    case DaneState::kUsable:
    case DaneState::kUnusable: break;
  }
  const bool usable = dane == DaneState::kUsable;
  const std::string by = usable ? " (DANE: usable TLSA records)" : " (DANE: TLSA records, none usable)";
  switch (f.stage) {
    case Stage::kTlsaLookup:
      return go_on(Action::kContinue, std::string(usable ? "DANE" : "DANE, unauthenticated") + " for " + where(f));
    case Stage::kStarttlsOffer:
    case Stage::kStarttlsReply:
    case Stage::kHandshake: {
      // TLS is mandatory on this host: the rows of `required`, and no clear retry (§0).
      Decision d = decide(requires_tls(s) ? s : TlsSetting::kRequired, f);
      d.reason += by;
      return d;
    }
    case Stage::kStarttlsInjection: return decide(s, f);
    case Stage::kChain:
    case Stage::kIdentity:
      // Usable TLSA replaces the ESA rules (decision); unusable keeps them as the setting says.
      if (usable) return go_on(Action::kContinue, "chain and identity rules replaced by DANE for " + where(f));
      return decide(s, f);
    case Stage::kStsMx:
    case Stage::kSts: break;  // handled above
    case Stage::kDane:
      if (!usable) return host_failed(f, "4.7.5", with_detail("no usable TLSA record for " + where(f), f));
      return host_failed(f, "4.7.5", with_detail("certificate not trusted by the TLSA records of " + where(f) + port, f));
  }
  return host_failed(f, "4.7.0", "unknown TLS stage");
}

Decision decide(TlsSetting s, DaneState dane, bool sts_enforce, const StageFailure& f) {
  const bool sts_stage = f.stage == Stage::kStsMx || f.stage == Stage::kSts;
  if (s == TlsSetting::kNo) return decide(s, f);
  if (!sts_enforce) {
    if (!sts_stage) return decide(s, dane, f);
    // A testing policy (RFC 8461 §5): delivery goes on by the setting; the failure is recorded.
    return go_on(Action::kContinue, with_detail("MTA-STS testing, not enforced, for " + where(f), f));
  }
  switch (f.stage) {
    case Stage::kStsMx:
      // §4.1 and §8.4: the host is not pre-filtered from the MX list; it fails like an
      // unreachable host when its turn comes.
      return host_failed(f, "4.7.5", with_detail("MTA-STS policy does not allow " + where(f), f));
    case Stage::kSts: return host_failed(f, "4.7.5", with_detail("MTA-STS certificate check failed for " + where(f), f));
    case Stage::kStarttlsOffer:
    case Stage::kStarttlsReply:
    case Stage::kHandshake: {
      // TLS is mandatory on this host: the rows of `required`, and no clear retry (§0).
      Decision d = decide(requires_tls(s) ? s : TlsSetting::kRequired, dane, f);
      d.reason += " (MTA-STS: enforce)";
      return d;
    }
    case Stage::kStarttlsInjection:
    case Stage::kChain:
    case Stage::kIdentity:
    case Stage::kTlsaLookup:
    case Stage::kDane: return decide(s, dane, f);
  }
  return host_failed(f, "4.7.0", "unknown TLS stage");
}

bool tls_mandatory(TlsSetting s, DaneState dane, bool sts_enforce) {
  if (s == TlsSetting::kNo) return false;
  return requires_tls(s) || dane == DaneState::kUsable || dane == DaneState::kUnusable || sts_enforce;
}

std::string permanent_status(const std::string& status) {
  if (status.size() >= 1 && status[0] == '4') return "5" + status.substr(1);
  return status;
}

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::kStarttlsOffer: return "starttls-offer";
    case Stage::kStarttlsReply: return "starttls-reply";
    case Stage::kStarttlsInjection: return "starttls-injection";
    case Stage::kHandshake: return "handshake";
    case Stage::kChain: return "chain";
    case Stage::kIdentity: return "identity";
    case Stage::kTlsaLookup: return "tlsa-lookup";
    case Stage::kDane: return "dane";
    case Stage::kStsMx: return "sts-mx";
    case Stage::kSts: return "sts";
  }
  return "?";
}

std::string_view to_string(Action action) {
  switch (action) {
    case Action::kContinue: return "continue";
    case Action::kContinueInClear: return "continue-in-clear";
    case Action::kRetryInClear: return "retry-in-clear";
    case Action::kNextHost: return "next-host";
    case Action::kDefer: return "defer";
  }
  return "?";
}

}  // namespace sealpost::policy
