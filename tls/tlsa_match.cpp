// See tlsa_match.h. Digests by Botan's SHA-2; the DANE-TA path by the same validator as
// trustpoints (a store whose one trustpoint is the matched certificate), so DANE-TA is no
// laxer than a configured trustpoint.
#include "tls/tlsa_match.h"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/x509cert.h>

#include <algorithm>
#include <map>

#include "tls/trust_store.h"

namespace sealpost::tls {
namespace {

constexpr std::uint8_t kDaneTa = 2, kDaneEe = 3;
constexpr std::uint8_t kFullCertificate = 0, kSpki = 1;
constexpr std::uint8_t kExact = 0, kSha256 = 1, kSha512 = 2;
constexpr std::size_t kMaxChainDepth = 16;  // certificates of the presented chain looked at for DANE-TA

const std::vector<std::uint8_t>& selected(const Certificate& c, std::uint8_t selector) {
  return selector == kFullCertificate ? c.der() : c.botan().subject_public_key_info();
}

// Botan throws by design; a certificate it cannot encode matches nothing.
bool matches(const TlsaRecord& r, const Certificate& c) {
  try {
    const std::vector<std::uint8_t>& bytes = selected(c, r.selector);
    if (r.matching_type == kExact) return bytes == r.data;
    const auto hash = Botan::HashFunction::create_or_throw(r.matching_type == kSha256 ? "SHA-256" : "SHA-512");
    const auto digest = hash->process(bytes);
    return std::equal(digest.begin(), digest.end(), r.data.begin(), r.data.end());
  } catch (const std::exception&) {
    return false;
  }
}

std::string at_depth(const TlsaRecord& r, int depth) {
  return "matched " + std::string(r.usage == kDaneEe ? "DANE-EE" : "DANE-TA") + " record " + to_string(r) + " at depth " +
         std::to_string(depth);
}

}  // namespace

std::string to_string(const TlsaRecord& r) {
  return std::to_string(r.usage) + " " + std::to_string(r.selector) + " " + std::to_string(r.matching_type) + " " +
         Botan::hex_encode(r.data.data(), r.data.size(), true);
}

Result<TlsaRecord> parse_tlsa_record(std::string_view text) {
  TlsaRecord r;
  std::size_t pos = 0;
  const auto skip_space = [&] {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  };
  for (std::uint8_t* field : {&r.usage, &r.selector, &r.matching_type}) {
    skip_space();
    unsigned value = 0;
    std::size_t digits = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 4; ++pos, ++digits) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
    }
    if (digits == 0 || value > 255 || (pos < text.size() && text[pos] != ' ' && text[pos] != '\t')) {
      return Error{"a TLSA record is \"USAGE SELECTOR MATCHING-TYPE HEX\" with numbers 0-255"};
    }
    *field = static_cast<std::uint8_t>(value);
  }
  int high = -1;
  for (; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == ' ' || c == '\t') continue;
    const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0) return Error{"the TLSA association data must be hexadecimal"};
    if (high < 0) {
      high = v;
    } else {
      r.data.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  if (high >= 0) return Error{"the TLSA association data has an odd number of hex digits"};
  if (r.data.empty()) return Error{"the TLSA record has no association data"};
  return r;
}

std::optional<std::string> unusable(const TlsaRecord& r) {
  if (r.usage != kDaneTa && r.usage != kDaneEe) {
    return r.usage <= 1 ? "usage " + std::to_string(r.usage) + " (PKIX) is not for SMTP (RFC 7672 §3.1.3)"
                        : "unknown usage " + std::to_string(r.usage);
  }
  if (r.selector != kFullCertificate && r.selector != kSpki) return "unknown selector " + std::to_string(r.selector);
  if (r.matching_type > kSha512) return "unknown matching type " + std::to_string(r.matching_type);
  const std::size_t want = r.matching_type == kSha256 ? 32 : r.matching_type == kSha512 ? 64 : 0;
  if (want && r.data.size() != want) {
    return "a " + std::string(want == 32 ? "SHA-256" : "SHA-512") + " digest of " + std::to_string(r.data.size()) + " octets";
  }
  if (r.data.empty()) return "no association data";
  return std::nullopt;
}

std::vector<TlsaRecord> usable_records(const std::vector<TlsaRecord>& records) {
  std::map<std::pair<std::uint8_t, std::uint8_t>, std::uint8_t> strongest;  // (usage, selector) → digest
  for (const auto& r : records) {
    if (unusable(r) || r.matching_type == kExact) continue;
    auto& s = strongest[{r.usage, r.selector}];
    s = std::max(s, r.matching_type);
  }
  std::vector<TlsaRecord> out;
  for (const auto& r : records) {
    if (unusable(r)) continue;
    if (r.matching_type != kExact && r.matching_type != strongest[{r.usage, r.selector}]) continue;
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

TlsaMatch match_tlsa(const std::vector<TlsaRecord>& usable, const std::vector<Certificate>& chain,
                     std::chrono::system_clock::time_point at) {
  if (chain.empty()) return {.reason = "the server sent no certificate"};
  std::string last_failure;
  for (const auto& r : usable) {
    if (r.usage == kDaneEe) {
      // RFC 7672 §3.1.1: the leaf alone; its names and dates do not matter.
      if (matches(r, chain.front())) return {.matched = true, .record = r, .depth = 0, .reason = at_depth(r, 0)};
      continue;
    }
    // DANE-TA: the anchor is in the presented chain (RFC 7671 §5.2.2), or is the record's own
    // certificate ("2 0 0"), which the server may then leave out.
    std::optional<Certificate> anchor;
    int depth = -1;
    for (std::size_t i = 0; i < chain.size() && i < kMaxChainDepth && !anchor; ++i) {
      if (matches(r, chain[i])) anchor = chain[i], depth = static_cast<int>(i);
    }
    if (!anchor && r.selector == kFullCertificate && r.matching_type == kExact) {
      auto c = Certificate::from_der(r.data);
      if (c) anchor = *c, depth = static_cast<int>(chain.size());
    }
    if (!anchor) continue;
    TrustStore store;
    store.add({.name = "dane-ta", .certificates = {*anchor}});
    const policy::ChainResult path = store.validate(chain, at);
    if (path.ok) return {.matched = true, .record = r, .depth = depth, .reason = at_depth(r, depth)};
    last_failure = "DANE-TA record " + to_string(r) + " matched at depth " + std::to_string(depth) +
                   ", but the path to it fails: " + path.error;
  }
  if (!last_failure.empty()) return {.reason = last_failure};
  return {.reason = "no TLSA record matches the server's chain (" + std::to_string(usable.size()) + " usable)"};
}

}  // namespace sealpost::tls
