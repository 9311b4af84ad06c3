// Table-driven chain validation (issue 11, RFC 5280 §6.1 and the CA/B profile) from
// tests/data/chain_cases.tsv, on certificates that tests/pki/make-chain-cases.sh made with
// openssl for this run into the test PKI's chains/ (CTest fixture `pki`).
#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/test_pki.h"
#include "tests/support/tsv.h"
#include "tls/chain_validator.h"

namespace sealpost::tls {
namespace {

struct Case {
  std::string name, chain, anchors, expect, depth;
};

std::vector<Case> load() {
  std::vector<Case> cases;
  for (auto& r : test::read_tsv(test::data_path("chain_cases.tsv"), 5)) cases.push_back({r[0], r[1], r[2], r[3], r[4]});
  return cases;
}

// Botan refuses some malformed certificates when it parses them: the chain fails there.
struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<Certificate> certs(const std::string& list) {
  std::vector<Certificate> out;
  std::stringstream names(list);
  for (std::string name; std::getline(names, name, ',');) {
    std::vector<Certificate> parsed;
    try {
      parsed = test::pki_certs("chains/" + name + ".pem");
    } catch (const std::runtime_error& e) {
      throw ParseError(e.what());
    }
    out.insert(out.end(), parsed.begin(), parsed.end());
  }
  return out;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class ChainCases : public testing::TestWithParam<Case> {};

TEST_P(ChainCases, Table) {
  const Case& c = GetParam();
  TrustStore store;
  store.add({.name = "anchors", .certificates = certs(c.anchors)});
  policy::ChainResult r;
  try {
    r = store.validate(certs(c.chain), test::kValidationTime);
  } catch (const ParseError& e) {
    r = {.ok = false, .anchor = {}, .anchor_subject = {}, .error = e.what(), .error_subject = {}};
  }
  if (c.expect == "valid") {
    EXPECT_TRUE(r.ok) << c.name << ": " << r.error << " (depth " << r.error_depth << ", " << r.error_subject << ")";
    return;
  }
  ASSERT_FALSE(r.ok) << c.name << " was accepted";
  EXPECT_NE(r.error.find(c.expect), std::string::npos) << c.name << ": got \"" << r.error << "\"";
  EXPECT_EQ(std::to_string(r.error_depth), c.depth) << c.name << ": " << r.error;
}

INSTANTIATE_TEST_SUITE_P(Table, ChainCases, testing::ValuesIn(load()),
                         [](const testing::TestParamInfo<Case>& param_info) { return test::test_name(param_info.param.name); });

}  // namespace
}  // namespace sealpost::tls
