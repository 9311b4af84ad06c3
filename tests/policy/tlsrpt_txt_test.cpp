// The TLS-RPT TXT record (policy/tlsrpt_txt.h, RFC 8460 §3): what counts as the record, the rua
// list, and every way a record is refused with its reason.
#include <gtest/gtest.h>

#include "policy/tlsrpt_txt.h"

namespace sealpost::policy {
namespace {

TEST(TlsRptTxt, TheRuaListInOrder) {
  const auto t = parse_tlsrpt_txt({"v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@example.com, https://r.example.com/x;ext=1;"});
  ASSERT_TRUE(t && *t) << (t ? "" : t.error().message);
  EXPECT_EQ((*t)->rua, (std::vector<std::string>{"mailto:a@example.com", "https://r.example.com/x"}));
  const auto encoded = parse_tlsrpt_txt({"v=TLSRPTv1;rua=mailto:a%2Cb@example.com"});
  ASSERT_TRUE(encoded && *encoded);
  EXPECT_EQ((*encoded)->rua, std::vector<std::string>{"mailto:a%2Cb@example.com"}) << "kept percent-encoded";
  const auto other = parse_tlsrpt_txt({"v=TLSRPTv1; rua=ftp://x.example, mailto:a@example.com"});
  ASSERT_TRUE(other && *other);
  EXPECT_EQ((*other)->rua, std::vector<std::string>{"mailto:a@example.com"}) << "another scheme is left out";
}

TEST(TlsRptTxt, NoRecordIsNothingNotAnError) {
  for (const std::vector<std::string>& records : {std::vector<std::string>{}, {"v=spf1 -all"}, {"v=TLSRPTv10; rua=mailto:a@b"}}) {
    const auto t = parse_tlsrpt_txt(records);
    ASSERT_TRUE(t);
    EXPECT_FALSE(*t);
  }
}

TEST(TlsRptTxt, RefusedWithItsReason) {
  const struct {
    std::vector<std::string> records;
    std::string error;
  } cases[] = {
      {{"v=TLSRPTv1; rua=mailto:a@b", "v=TLSRPTv1; rua=mailto:c@d"},
       "2 TXT records begin with v=TLSRPTv1 (RFC 8460 §3 wants one)"},
      {{"v=TLSRPTv1"}, "the v=TLSRPTv1 record has no rua field"},
      {{"v=TLSRPTv1 rua=mailto:a@b"}, "the fields of the TXT record are not separated by ';'"},
      {{"v=TLSRPTv1; rua=mailto:a@b; rua=mailto:c@d"}, "the v=TLSRPTv1 record has more than one rua field"},
      {{"v=TLSRPTv1; rua=mailto:a@b,,https://x"}, "rua has an empty URI"},
      {{"v=TLSRPTv1; rua=ftp://x"}, "rua names no mailto: or https: URI (1 of another scheme left out)"},
      {{"v=TLSRPTv1; rua=mailto:nobody"}, "rua names no mailto: or https: URI (1 of another scheme left out)"},
      {{"v=TLSRPTv1; rua=https://x/\x01"}, "rua URI 'https://x/\\x01' is malformed"},
  };
  for (const auto& c : cases) {
    const auto t = parse_tlsrpt_txt(c.records);
    ASSERT_FALSE(t) << c.records[0];
    EXPECT_EQ(t.error().message, c.error);
  }
  std::string many = "v=TLSRPTv1; rua=";
  for (int i = 0; i < 17; ++i) many += (i ? "," : "") + std::string("mailto:a@b");
  EXPECT_FALSE(parse_tlsrpt_txt({many}));
}

}  // namespace
}  // namespace sealpost::policy
