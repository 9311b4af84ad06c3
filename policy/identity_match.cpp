// The ordered rule tables of TLS-POLICY.md §8 and §9.
#include "policy/identity_match.h"

#include <algorithm>
#include <functional>

namespace sealpost::policy {
NameMatch compare_identifiers(const PresentedId& p, const ReferenceId& r) {
  if (p.is_malformed()) return NameMatch::kNone;
  // A REF-ID that is an IP address matches an IP-ID by exact address only (§4).
  if (r.ip) return (p.kind == PresentedKind::kIpId && p.ip == r.ip) ? NameMatch::kExact : NameMatch::kNone;
  if (p.kind == PresentedKind::kIpId) return NameMatch::kNone;
  return match_name(p.value, r.value);
}

namespace {

class Matcher {
 public:
  Matcher(const std::vector<PresentedId>& presented, const std::vector<ReferenceId>& refs, IdentityResult& out)
      : presented_(presented), refs_(refs), out_(out) {}

  // Compares every presented identifier that `use` admits with every trusted REF-ID from
  // `source`, until one matches. Returns true on a match.
  bool rule(std::string_view name, RefSource source, const std::function<bool(const PresentedId&)>& use) {
    for (std::size_t r = 0; r < refs_.size(); ++r) {
      if (refs_[r].source != source || !refs_[r].trusted) continue;
      for (std::size_t p = 0; p < presented_.size(); ++p) {
        if (!use(presented_[p]) || presented_[p].is_malformed()) continue;
        const bool ip_ref = refs_[r].ip.has_value();
        if (ip_ref != (presented_[p].kind == PresentedKind::kIpId)) continue;
        Comparison c{
            .presented = p, .ref_id = r, .rule = std::string(name), .result = compare_identifiers(presented_[p], refs_[r])};
        out_.comparisons.push_back(c);
        if (c.result != NameMatch::kNone) {
          out_.matched = true;
          out_.rule = c.rule;
          out_.match = c;
          out_.reason = std::string(to_string(presented_[p].kind)) + " " + presented_[p].value +
                        " ~= " + std::string(to_string(refs_[r].source)) + " " + refs_[r].value + " (" +
                        std::string(to_string(c.result)) + ", rule " + c.rule + ")";
          return true;
        }
      }
    }
    return false;
  }

 private:
  const std::vector<PresentedId>& presented_;
  const std::vector<ReferenceId>& refs_;
  IdentityResult& out_;
};

bool is_kind(const PresentedId& p, PresentedKind k) { return p.kind == k; }

// §9 / RFC 6125 §6.4.4: CN-IDs only when the certificate has no dNSName at all — a
// certificate whose DNS-IDs all fail (or are malformed) never falls back to its CN. One rule
// per source, named prefix + the source.
IdentityResult match_names_in_order(const std::vector<PresentedId>& presented, const std::vector<ReferenceId>& refs,
                                    std::initializer_list<RefSource> order, std::string_view prefix) {
  using K = PresentedKind;
  IdentityResult out;
  Matcher m(presented, refs, out);
  const bool has_dns_id =
      std::any_of(presented.begin(), presented.end(), [](const PresentedId& p) { return is_kind(p, K::kDnsId); });
  const K name_kind = has_dns_id ? K::kDnsId : K::kCnId;
  const auto use = [name_kind](const PresentedId& p) { return p.kind == name_kind || p.kind == K::kIpId; };
  for (const RefSource s : order) {
    if (m.rule(std::string(prefix) + std::string(to_string(s)), s, use)) return out;
  }
  out.reason = std::string("no ") + (has_dns_id ? "DNS-ID" : "CN-ID (the certificate has no DNS-ID)") +
               " matched a trusted reference identifier";
  return out;
}

}  // namespace

IdentityResult match_identity(IdentityRules rules, const std::vector<PresentedId>& presented,
                              const std::vector<ReferenceId>& refs) {
  IdentityResult out;
  Matcher m(presented, refs, out);
  using K = PresentedKind;
  if (rules == IdentityRules::kVerify) {
    // §8: the CN is consulted even when DNS-IDs exist; PTR names only against the CN.
    const bool done =
        m.rule("san-recipient-domain", RefSource::kRecipientDomain, [](const PresentedId& p) { return !is_kind(p, K::kCnId); }) ||
        m.rule("cn-recipient-domain", RefSource::kRecipientDomain, [](const PresentedId& p) { return is_kind(p, K::kCnId); }) ||
        m.rule("cn-ptr", RefSource::kPtrHost, [](const PresentedId& p) { return is_kind(p, K::kCnId); });
    if (!done) out.reason = "no presented identifier matched the recipient domain or a forward-confirmed PTR name";
    return out;
  }
  return match_names_in_order(
      presented, refs,
      {RefSource::kRecipientDomain, RefSource::kMxHost, RefSource::kRouteHost, RefSource::kRouteIp, RefSource::kPtrHost}, "");
}

IdentityResult match_dane_identity(const std::vector<PresentedId>& presented, const std::vector<ReferenceId>& refs) {
  return match_names_in_order(presented, refs, {RefSource::kTlsaBase, RefSource::kMxHost, RefSource::kRecipientDomain},
                              "dane-ta:");
}

}  // namespace sealpost::policy
