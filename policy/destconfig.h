// The per-destination table (`destconfig`, after the ESA command of that name): for each
// destination key (destination_key.h) a TLS setting (TLS-POLICY.md §6) and the delivery
// controls a relay needs. An entry leaves out what it does not change; the `default` entry
// supplies the rest, and built-in defaults fill whatever `default` leaves out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "policy/dane.h"
#include "policy/result.h"
#include "policy/sts_host.h"
#include "policy/tls_setting.h"

namespace sealpost::policy {

// Built-in defaults (decision): opportunistic TLS, as a modern MTA does by default; Postfix's
// default_destination_concurrency_limit; the ESA's 50 messages per connection and 50
// recipients per message (Postfix: smtp_destination_recipient_limit = 50).
inline constexpr TlsSetting kDefaultTls = TlsSetting::kPreferred;
// DANE-MTA-STS.md §0/§1: opportunistic DANE, and DANE below an insecure MX (Postfix's defaults).
// Inert until [dns] dnssec = "trust-ad" declares a validating resolver.
inline constexpr DaneMode kDefaultDane = DaneMode::kOpportunistic;
inline constexpr DaneInsecureMx kDefaultDaneInsecureMx = DaneInsecureMx::kDane;
// DANE-MTA-STS.md §0: MTA-STS on (as KumoMTA), a `testing` policy only recorded.
inline constexpr StsSetting kDefaultMtaSts = StsSetting::kOn;
inline constexpr std::uint32_t kDefaultMaxConnections = 20;
inline constexpr std::uint32_t kDefaultMaxMessagesPerConnection = 50;
inline constexpr std::uint32_t kDefaultMaxRecipientsPerMessage = 50;
// Upper bounds that keep a typo from becoming a resource problem.
inline constexpr std::uint32_t kMaxConnectionsLimit = 1000;
inline constexpr std::uint32_t kMaxMessagesPerConnectionLimit = 10000;
inline constexpr std::uint32_t kMaxRecipientsPerMessageLimit = 1000;

struct DestinationControls {
  std::optional<TlsSetting> tls;
  std::optional<std::uint32_t> max_connections;
  std::optional<std::uint32_t> max_messages_per_connection;
  std::optional<std::uint32_t> max_recipients_per_message;
  std::optional<DaneMode> dane;
  std::optional<DaneInsecureMx> dane_insecure_mx;
  std::optional<StsSetting> mta_sts;

  // Fields set in `other` replace ours.
  void merge(const DestinationControls& other);
  friend bool operator==(const DestinationControls&, const DestinationControls&) = default;
};

struct EffectiveDestination {
  std::string entry;  // the key that matched, or "default"
  TlsSetting tls;
  std::uint32_t max_connections;
  std::uint32_t max_messages_per_connection;
  std::uint32_t max_recipients_per_message;
  DaneMode dane;  // kOff whenever tls is `no` (§0)
  DaneInsecureMx dane_insecure_mx;
  StsSetting mta_sts;  // kOff whenever tls is `no` (§0)
};

class DestConfig {
 public:
  static constexpr std::string_view kDefaultKey = "default";

  // What applies to a recipient domain (or address literal).
  EffectiveDestination lookup(std::string_view destination) const;
  // What applies to an entry, its own values completed from `default`.
  std::optional<EffectiveDestination> effective(std::string_view key) const;

  // The entries other than `default`, by canonical key.
  const std::map<std::string, DestinationControls>& entries() const { return entries_; }
  const DestinationControls& default_entry() const { return default_; }

  // Keys are normalized here; errors name the key. add() fails if it exists, edit() and
  // remove() if it does not.
  Status add(std::string_view key, const DestinationControls& controls);
  Status edit(std::string_view key, const DestinationControls& changes);
  Status remove(std::string_view key);
  void edit_default(const DestinationControls& changes) { default_.merge(changes); }

 private:
  EffectiveDestination complete(std::string entry, const DestinationControls& c) const;

  std::map<std::string, DestinationControls> entries_;
  DestinationControls default_;
};

// The file format (etc/destconfig.toml): a table per entry, `[default]` and e.g.
// `["example.com"]` with keys tls, max-connections, max-messages-per-connection,
// max-recipients-per-message, dane, dane-insecure-mx, mta-sts. Unknown, duplicate and ill-typed keys are errors naming
// source, line, entry and key.
Result<DestConfig> parse_destconfig(std::string_view text, std::string_view source);
std::string serialize_destconfig(const DestConfig& config);

}  // namespace sealpost::policy
