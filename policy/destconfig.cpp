// The destconfig model, its lookup and its TOML form (see destconfig.h).
#include "policy/destconfig.h"

#include "policy/destination_key.h"
#include "policy/domain_name.h"
#include "policy/toml_reader.h"

namespace sealpost::policy {

void DestinationControls::merge(const DestinationControls& other) {
  if (other.tls) tls = other.tls;
  if (other.max_connections) max_connections = other.max_connections;
  if (other.max_messages_per_connection) max_messages_per_connection = other.max_messages_per_connection;
  if (other.max_recipients_per_message) max_recipients_per_message = other.max_recipients_per_message;
  if (other.dane) dane = other.dane;
  if (other.dane_insecure_mx) dane_insecure_mx = other.dane_insecure_mx;
  if (other.mta_sts) mta_sts = other.mta_sts;
}

EffectiveDestination DestConfig::complete(std::string entry, const DestinationControls& c) const {
  DestinationControls d{.tls = kDefaultTls,
                        .max_connections = kDefaultMaxConnections,
                        .max_messages_per_connection = kDefaultMaxMessagesPerConnection,
                        .max_recipients_per_message = kDefaultMaxRecipientsPerMessage,
                        .dane = kDefaultDane,
                        .dane_insecure_mx = kDefaultDaneInsecureMx,
                        .mta_sts = kDefaultMtaSts};
  d.merge(default_);
  d.merge(c);
  return {.entry = std::move(entry),
          .tls = *d.tls,
          .max_connections = *d.max_connections,
          .max_messages_per_connection = *d.max_messages_per_connection,
          .max_recipients_per_message = *d.max_recipients_per_message,
          .dane = *d.tls == TlsSetting::kNo ? DaneMode::kOff : *d.dane,
          .dane_insecure_mx = *d.dane_insecure_mx,
          .mta_sts = *d.tls == TlsSetting::kNo ? StsSetting::kOff : *d.mta_sts};
}

EffectiveDestination DestConfig::lookup(std::string_view destination) const {
  const auto it = find_destination(entries_, destination, kDefaultKey);
  if (it == entries_.end()) return complete(std::string(kDefaultKey), {});
  return complete(it->first, it->second);
}

std::optional<EffectiveDestination> DestConfig::effective(std::string_view key) const {
  auto k = normalize_destination_key(key, kDefaultKey);
  if (!k) return std::nullopt;
  if (*k == kDefaultKey) return complete(*k, {});
  const auto it = entries_.find(*k);
  if (it == entries_.end()) return std::nullopt;
  return complete(it->first, it->second);
}

Status DestConfig::add(std::string_view key, const DestinationControls& controls) {
  auto k = normalize_destination_key(key, kDefaultKey);
  if (!k) return k.error();
  if (*k == kDefaultKey) return Error{"the default entry always exists: change it with 'default'"};
  if (!entries_.emplace(*k, controls).second) return Error{"entry '" + *k + "' already exists"};
  return ok();
}

Status DestConfig::edit(std::string_view key, const DestinationControls& changes) {
  auto k = normalize_destination_key(key, kDefaultKey);
  if (!k) return k.error();
  if (*k == kDefaultKey) {
    edit_default(changes);
    return ok();
  }
  const auto it = entries_.find(*k);
  if (it == entries_.end()) return Error{"no entry '" + *k + "'"};
  it->second.merge(changes);
  return ok();
}

Status DestConfig::remove(std::string_view key) {
  auto k = normalize_destination_key(key, kDefaultKey);
  if (!k) return k.error();
  if (*k == kDefaultKey) return Error{"the default entry cannot be deleted"};
  if (entries_.erase(*k) == 0) return Error{"no entry '" + *k + "'"};
  return ok();
}

namespace {

constexpr std::string_view kTls = "tls";
constexpr std::string_view kMaxConnections = "max-connections";
constexpr std::string_view kMaxMessages = "max-messages-per-connection";
constexpr std::string_view kMaxRecipients = "max-recipients-per-message";
constexpr std::string_view kDane = "dane";
constexpr std::string_view kDaneInsecureMx = "dane-insecure-mx";
constexpr std::string_view kMtaSts = "mta-sts";

// A key whose value is one word of a fixed set; absent: nullopt.
template <class E>
Result<std::optional<E>> optional_word(std::string_view source, const toml::table& t, std::string_view entry,
                                       std::string_view key, std::optional<E> (*parse)(std::string_view),
                                       std::string_view words) {
  const toml::node* node = t.get(key);
  if (!node) return std::optional<E>{};
  const auto word = node->value<std::string>();
  const auto value = word ? parse(*word) : std::nullopt;
  if (!value) {
    return Error{toml_reader::at(source, *node) + "entry '" + std::string(entry) + "': key '" + std::string(key) +
                 "' must be one of " + std::string(words)};
  }
  return std::optional<E>{*value};
}

Result<DestinationControls> parse_entry(std::string_view source, const toml::table& t, std::string_view entry) {
  namespace tr = toml_reader;
  if (auto s = tr::check_keys(source, t, entry,
                              {kTls, kMaxConnections, kMaxMessages, kMaxRecipients, kDane, kDaneInsecureMx, kMtaSts});
      !s) {
    return s.error();
  }
  DestinationControls c;
  auto tls = optional_word(source, t, entry, kTls, parse_tls_setting, kTlsSettingWords);
  if (!tls) return tls.error();
  auto dane = optional_word(source, t, entry, kDane, parse_dane_mode, kDaneModeWords);
  if (!dane) return dane.error();
  auto insecure_mx = optional_word(source, t, entry, kDaneInsecureMx, parse_dane_insecure_mx, kDaneInsecureMxWords);
  if (!insecure_mx) return insecure_mx.error();
  auto mta_sts = optional_word(source, t, entry, kMtaSts, parse_sts_setting, kStsSettingWords);
  if (!mta_sts) return mta_sts.error();
  c.tls = *tls;
  c.dane = *dane;
  c.dane_insecure_mx = *insecure_mx;
  c.mta_sts = *mta_sts;
  auto conns = tr::optional_count(source, t, entry, kMaxConnections, 1, kMaxConnectionsLimit);
  if (!conns) return conns.error();
  auto msgs = tr::optional_count(source, t, entry, kMaxMessages, 1, kMaxMessagesPerConnectionLimit);
  if (!msgs) return msgs.error();
  auto rcpts = tr::optional_count(source, t, entry, kMaxRecipients, 1, kMaxRecipientsPerMessageLimit);
  if (!rcpts) return rcpts.error();
  c.max_connections = *conns;
  c.max_messages_per_connection = *msgs;
  c.max_recipients_per_message = *rcpts;
  return c;
}

void write_entry(std::string& out, std::string_view key, const DestinationControls& c) {
  out += "[" + toml_reader::key_text(key) + "]\n";
  if (c.tls) out += "tls = " + toml_reader::quoted(to_string(*c.tls)) + "\n";
  if (c.max_connections) out += std::string(kMaxConnections) + " = " + std::to_string(*c.max_connections) + "\n";
  if (c.max_messages_per_connection) {
    out += std::string(kMaxMessages) + " = " + std::to_string(*c.max_messages_per_connection) + "\n";
  }
  if (c.max_recipients_per_message) {
    out += std::string(kMaxRecipients) + " = " + std::to_string(*c.max_recipients_per_message) + "\n";
  }
  if (c.dane) out += std::string(kDane) + " = " + toml_reader::quoted(to_string(*c.dane)) + "\n";
  if (c.dane_insecure_mx) {
    out += std::string(kDaneInsecureMx) + " = " + toml_reader::quoted(to_string(*c.dane_insecure_mx)) + "\n";
  }
  if (c.mta_sts) out += std::string(kMtaSts) + " = " + toml_reader::quoted(to_string(*c.mta_sts)) + "\n";
}

}  // namespace

Result<DestConfig> parse_destconfig(std::string_view text, std::string_view source) {
  auto doc = toml_reader::parse(text, source);
  if (!doc) return doc.error();
  DestConfig config;
  for (const auto& [raw_key, node_ptr] : toml_reader::in_file_order(*doc)) {
    const toml::node& node = *node_ptr;
    const std::string shown = escape_for_display(raw_key);
    const toml::table* t = node.as_table();
    if (!t) return Error{toml_reader::at(source, node) + "'" + shown + "' must be a table: [\"" + shown + "\"]"};
    auto key = normalize_destination_key(raw_key, DestConfig::kDefaultKey);
    if (!key) return Error{toml_reader::at(source, node) + "entry " + key.error().message};
    auto controls = parse_entry(source, *t, shown);
    if (!controls) return controls.error();
    if (*key == DestConfig::kDefaultKey) {
      config.edit_default(*controls);
    } else if (auto s = config.add(*key, *controls); !s) {
      return Error{toml_reader::at(source, node) + "entry '" + shown + "' repeats an earlier entry ('" + *key + "')"};
    }
  }
  return config;
}

std::string serialize_destconfig(const DestConfig& config) {
  std::string out =
      "# Sealpost per-destination TLS policy (sealpost destconfig). Keys: example.com, .example.com\n"
      "# (subdomains), an IP address, or default. tls: " +
      std::string(kTlsSettingWords) + ".\n# dane: " + std::string(kDaneModeWords) +
      "; dane-insecure-mx: " + std::string(kDaneInsecureMxWords) + ";\n# mta-sts: " + std::string(kStsSettingWords) + ".\n\n";
  write_entry(out, DestConfig::kDefaultKey, config.default_entry());
  for (const auto& [key, c] : config.entries()) {
    out += "\n";
    write_entry(out, key, c);
  }
  return out;
}

}  // namespace sealpost::policy
