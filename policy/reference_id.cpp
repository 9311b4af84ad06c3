// REF-ID building (TLS-POLICY.md §5, §8, §9). Input: DeliveryFacts, partly from DNS and so
// untrusted: every name is normalized and validated before it can be compared.
#include "policy/reference_id.h"

#include <algorithm>

#include "policy/domain_name.h"

namespace sealpost::policy {
namespace {

// A name or an address literal ("192.0.2.1", "[192.0.2.1]").
Result<ReferenceId> make_ref(RefSource source, std::string_view raw, std::string_view what) {
  if (auto ip = IpAddress::parse(raw)) {
    return ReferenceId{.source = source, .value = ip->to_string(), .ip = ip, .trusted = true, .note = {}};
  }
  auto name = normalize_reference_name(raw);
  if (!name) {
    return Error{std::string(what) + " '" + escape_for_display(raw) + "' " + name.error().message};
  }
  return ReferenceId{.source = source, .value = std::move(*name), .ip = {}, .trusted = true, .note = {}};
}

// PTR names are REF-IDs only when forward-confirmed (§5); the others are listed, untrusted.
Status add_ptr_refs(const DeliveryFacts& facts, std::vector<ReferenceId>& refs) {
  for (const auto& p : facts.ptr) {
    auto name = normalize_reference_name(p.name);
    if (!name) {
      // A PTR answer is DNS data, not operator input: a bad one is noted, not fatal.
      refs.push_back({.source = RefSource::kPtrHost,
                      .value = escape_for_display(p.name),
                      .ip = {},
                      .trusted = false,
                      .note = "not a valid DNS name: it " + name.error().message});
      continue;
    }
    ReferenceId r{.source = RefSource::kPtrHost, .value = std::move(*name), .ip = {}, .trusted = true, .note = {}};
    if (!facts.connected_ip) {
      r.trusted = false;
      r.note = "no connected IP to confirm it against";
    } else if (forward_confirmed(p, facts.connected_ip)) {
      r.note = "forward-confirmed: A/AAAA(" + r.value + ") includes " + facts.connected_ip->to_string();
    } else {
      r.trusted = false;
      std::string answers;
      for (const auto& a : p.addresses) answers += (answers.empty() ? "" : ", ") + a.to_string();
      r.note = "not forward-confirmed: A/AAAA(" + r.value + ") = {" + answers + "}, not " + facts.connected_ip->to_string();
    }
    refs.push_back(std::move(r));
  }
  return ok();
}

Status add_untrusted(std::vector<ReferenceId>& refs, RefSource source, std::string_view raw, std::string_view what,
                     std::string note) {
  auto r = make_ref(source, raw, what);
  if (!r) return r.error();
  r->trusted = false;
  r->note = std::move(note);
  refs.push_back(std::move(*r));
  return ok();
}

}  // namespace

bool forward_confirmed(const PtrFact& ptr, const std::optional<IpAddress>& ip) {
  return ip && std::find(ptr.addresses.begin(), ptr.addresses.end(), *ip) != ptr.addresses.end();
}

Result<std::vector<ReferenceId>> build_reference_ids(const DeliveryFacts& facts, IdentityRules rules) {
  std::vector<ReferenceId> refs;
  auto recipient = make_ref(RefSource::kRecipientDomain, facts.recipient_domain, "recipient domain");
  if (!recipient) return recipient.error();
  recipient->note = "the envelope recipient's domain";
  refs.push_back(std::move(*recipient));

  if (rules == IdentityRules::kVerify) {
    // §8: MX host names are never REF-IDs here; PTR names only when forward-confirmed.
    if (facts.mx_host) {
      if (auto s =
              add_untrusted(refs, RefSource::kMxHost, *facts.mx_host, "MX host", "the Verify rules never use the MX host name");
          !s) {
        return s.error();
      }
    }
    if (auto s = add_ptr_refs(facts, refs); !s) return s.error();
    return refs;
  }

  if (!facts.by_route()) {
    if (facts.mx_host) {
      auto mx = make_ref(RefSource::kMxHost, *facts.mx_host, "MX host");
      if (!mx) return mx.error();
      mx->note = "the MX target connected to (as trustworthy as DNS)";
      refs.push_back(std::move(*mx));
    }
    if (auto s = add_ptr_refs(facts, refs); !s) return s.error();
    return refs;
  }

  // §9, delivery by SMTP route: every route host; the MX host is never used with a route.
  bool connected_to_route_ip = false;
  std::vector<ReferenceId> route_ips;
  for (const auto& host : facts.route_hosts) {
    if (auto ip = IpAddress::parse(host)) {
      route_ips.push_back({.source = RefSource::kRouteIp,
                           .value = ip->to_string(),
                           .ip = ip,
                           .trusted = true,
                           .note = "an IP address of the SMTP route"});
      connected_to_route_ip = connected_to_route_ip || ip == facts.connected_ip;
      continue;
    }
    auto r = make_ref(RefSource::kRouteHost, host, "route host");
    if (!r) return r.error();
    r->note = "a host of the SMTP route";
    refs.push_back(std::move(*r));
  }
  if (facts.mx_host) {
    if (auto s = add_untrusted(refs, RefSource::kMxHost, *facts.mx_host, "MX host",
                               "the MX host name is never used with an SMTP route");
        !s) {
      return s.error();
    }
  }
  if (connected_to_route_ip) {
    for (auto& r : route_ips) refs.push_back(std::move(r));
    if (auto s = add_ptr_refs(facts, refs); !s) return s.error();
  } else {
    for (auto& r : route_ips) {
      r.trusted = false;
      r.note = "used only when the route host connected to is an IP address";
      refs.push_back(std::move(r));
    }
    for (const auto& p : facts.ptr) {
      refs.push_back({.source = RefSource::kPtrHost,
                      .value = escape_for_display(p.name),
                      .ip = {},
                      .trusted = false,
                      .note = "the route host connected to is a name: no PTR check"});
    }
  }
  return refs;
}

std::string_view to_string(RefSource source) {
  switch (source) {
    case RefSource::kRecipientDomain: return "recipient-domain";
    case RefSource::kMxHost: return "mx-host";
    case RefSource::kPtrHost: return "ptr-host";
    case RefSource::kRouteHost: return "route-host";
    case RefSource::kRouteIp: return "route-ip";
    case RefSource::kTlsaBase: return "tlsa-base";
  }
  return "?";
}

std::optional<RefSource> parse_ref_source(std::string_view text) {
  for (const RefSource r : {RefSource::kRecipientDomain, RefSource::kMxHost, RefSource::kPtrHost, RefSource::kRouteHost,
                            RefSource::kRouteIp, RefSource::kTlsaBase}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

}  // namespace sealpost::policy
