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
