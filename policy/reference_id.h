// Reference identifiers (REF-IDs) built from DeliveryFacts for the Verify (TLS-POLICY.md §8)
// or Hosted (§9) rules, in the order they are compared. Sources that the rules do not trust
// (an unconfirmed PTR name, an MX host under Verify) are kept with trusted = false and the
// reason, so the trace can say why they were not used.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/delivery_facts.h"
#include "policy/result.h"
#include "policy/tls_setting.h"

namespace sealpost::policy {

// kTlsaBase: the TLSA base domain, a REF-ID of DANE-TA only (policy/dane.h).
enum class RefSource { kRecipientDomain, kMxHost, kPtrHost, kRouteHost, kRouteIp, kTlsaBase };

struct ReferenceId {
  RefSource source;
  std::string value;            // normalized name, or canonical IP address
  std::optional<IpAddress> ip;  // set when the REF-ID is an IP address
  bool trusted = false;
  std::string note;  // why it is (not) trusted
};

// Fails on facts that cannot form a REF-ID at all (an invalid recipient domain, MX host or
// route host): that is bad input, not a verification failure.
Result<std::vector<ReferenceId>> build_reference_ids(const DeliveryFacts& facts, IdentityRules rules);

std::string_view to_string(RefSource source);  // "recipient-domain", "mx-host", ...
std::optional<RefSource> parse_ref_source(std::string_view text);

}  // namespace sealpost::policy
