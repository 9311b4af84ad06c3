// Table-driven identity matching (TLS-POLICY.md §3-4) from tests/data/name_matching.tsv.
#include <gtest/gtest.h>

#include "policy/domain_name.h"
#include "policy/identity_match.h"
#include "policy/presented_id.h"
#include "tests/support/tsv.h"

namespace sealpost::policy {
namespace {

struct Case {
  std::string name, kind, presented, reference, expected;
};

std::vector<Case> load() {
  std::vector<Case> cases;
  for (auto& r : test::read_tsv(test::data_path("name_matching.tsv"), 5)) {
    cases.push_back({r[0], r[1], test::unescape(r[2]), test::unescape(r[3]), r[4]});
  }
  return cases;
}

CertificateNames names_for(const Case& c) {
  CertificateNames n;
  if (c.kind == "dns") n.dns_names.push_back(c.presented);
  if (c.kind == "cn") n.common_names.push_back(c.presented);
  if (c.kind == "ip") {
    if (c.presented.starts_with("octets:")) {
      n.ip_addresses.emplace_back(std::stoul(c.presented.substr(7)), std::uint8_t{1});
    } else {
      const auto ip = IpAddress::parse(c.presented);
      EXPECT_TRUE(ip) << c.presented;
      if (ip) n.ip_addresses.emplace_back(ip->octets().begin(), ip->octets().end());
    }
  }
  return n;
}

class NameMatching : public testing::TestWithParam<Case> {};

TEST_P(NameMatching, Case) {
  const Case& c = GetParam();
  std::vector<PresentedId> presented = presented_ids(names_for(c));
  ASSERT_EQ(presented.size(), 1u);
  const std::string got_reason = presented[0].malformed;

  std::optional<ReferenceId> ref;
  if (auto ip = IpAddress::parse(c.reference)) {
    ref = ReferenceId{.source = RefSource::kRecipientDomain, .value = ip->to_string(), .ip = ip, .trusted = true, .note = {}};
  } else if (auto name = normalize_reference_name(c.reference)) {
    ref = ReferenceId{.source = RefSource::kRecipientDomain, .value = *name, .ip = {}, .trusted = true, .note = {}};
  }
  if (c.expected == "refbad") {
    EXPECT_FALSE(ref) << "reference should be rejected: " << escape_for_display(c.reference);
    return;
  }
  ASSERT_TRUE(ref) << "reference rejected: " << escape_for_display(c.reference);
  if (c.expected == "malformed") {
    EXPECT_TRUE(presented[0].is_malformed()) << "presented " << presented[0].raw << " was accepted";
    EXPECT_EQ(compare_identifiers(presented[0], *ref), NameMatch::kNone);
    return;
  }
  EXPECT_FALSE(presented[0].is_malformed()) << presented[0].raw << ": " << got_reason;
  EXPECT_EQ(to_string(compare_identifiers(presented[0], *ref)), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Table, NameMatching, testing::ValuesIn(load()),
                         [](const testing::TestParamInfo<Case>& param_info) { return test::test_name(param_info.param.name); });

}  // namespace
}  // namespace sealpost::policy
