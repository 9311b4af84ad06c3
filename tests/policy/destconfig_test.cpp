// destconfig: lookup precedence (exact > longest .parent > default), inheritance from
// `default`, and the file format's errors (file, line, entry, key).
#include <gtest/gtest.h>

#include "policy/destconfig.h"

namespace sealpost::policy {
namespace {

constexpr std::string_view kFile = R"(
[default]
tls = "preferred"
max-recipients-per-message = 100

["example.com"]
tls = "required-verify"

[".example.com"]
tls = "required"

[".mail.example.com"]
tls = "required-verify-hosted"
max-connections = 5

["192.0.2.10"]
tls = "no"
)";

DestConfig parsed() {
  auto c = parse_destconfig(kFile, "destconfig.toml");
  EXPECT_TRUE(c) << (c ? "" : c.error().message);
  return *c;
}

TEST(DestConfig, LookupPrecedence) {
  const DestConfig c = parsed();
  EXPECT_EQ(c.lookup("example.com").entry, "example.com");
  EXPECT_EQ(c.lookup("EXAMPLE.COM.").tls, TlsSetting::kRequiredVerify);
  EXPECT_EQ(c.lookup("a.example.com").entry, ".example.com");
  EXPECT_EQ(c.lookup("x.mail.example.com").entry, ".mail.example.com");  // longest parent
  EXPECT_EQ(c.lookup("mail.example.com").entry, ".example.com");         // .mail.example.com is subdomains only
  EXPECT_EQ(c.lookup("example.org").entry, "default");
  EXPECT_EQ(c.lookup("[192.0.2.10]").tls, TlsSetting::kNo);
  EXPECT_EQ(c.lookup("192.0.2.11").entry, "default");
  EXPECT_EQ(c.lookup("not a domain").entry, "default");
}

TEST(DestConfig, EntriesInheritFromDefaultThenBuiltIns) {
  const DestConfig c = parsed();
  const auto e = c.lookup("x.mail.example.com");
  EXPECT_EQ(e.max_connections, 5u);
  EXPECT_EQ(e.max_recipients_per_message, 100u);                               // from [default]
  EXPECT_EQ(e.max_messages_per_connection, kDefaultMaxMessagesPerConnection);  // built in
  EXPECT_EQ(DestConfig{}.lookup("example.com").tls, kDefaultTls);
}

TEST(DestConfig, EditAddRemove) {
  DestConfig c = parsed();
  EXPECT_FALSE(c.add("Example.COM", {}));  // already there, after normalization
  EXPECT_TRUE(c.add("bank.example", {.tls = TlsSetting::kRequiredVerify}));
  EXPECT_TRUE(c.edit("bank.example", {.max_connections = 2u}));
  EXPECT_EQ(c.lookup("bank.example").tls, TlsSetting::kRequiredVerify);
  EXPECT_EQ(c.lookup("bank.example").max_connections, 2u);
  EXPECT_FALSE(c.edit("nope.example", {}));
  EXPECT_FALSE(c.remove("default"));
  EXPECT_TRUE(c.remove("bank.example"));
  EXPECT_FALSE(c.remove("bank.example"));
  EXPECT_FALSE(c.add("*.example.net", {}));
  EXPECT_FALSE(c.add("exa mple.net", {}));
}

TEST(DestConfig, SerializeRoundTrips) {
  const DestConfig c = parsed();
  const std::string text = serialize_destconfig(c);
  auto again = parse_destconfig(text, "again");
  ASSERT_TRUE(again) << again.error().message << "\n" << text;
  EXPECT_EQ(serialize_destconfig(*again), text);
  EXPECT_EQ(again->entries(), c.entries());
  EXPECT_EQ(again->default_entry(), c.default_entry());
}

struct BadFile {
  const char* name;
  const char* text;
  const char* error;  // the whole error message
};

class DestConfigErrors : public testing::TestWithParam<BadFile> {};

TEST_P(DestConfigErrors, NameFileLineEntryAndKey) {
  auto c = parse_destconfig(GetParam().text, "etc/destconfig.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DestConfigErrors,
    testing::Values(BadFile{"UnknownSetting", "[\"a.example\"]\n\ntls = \"maybe\"\n",
                            "etc/destconfig.toml:3: entry 'a.example': key 'tls' must be one of no, preferred, required, "
                            "preferred-verify, required-verify, required-verify-hosted"},
                    BadFile{"UnknownKey", "[default]\ntls = \"no\"\nport = 25\n",
                            "etc/destconfig.toml:3: entry 'default': unknown key 'port' (known: tls, max-connections, "
                            "max-messages-per-connection, max-recipients-per-message, dane, dane-insecure-mx, mta-sts)"},
                    BadFile{"DuplicateKey", "[\"a.example\"]\ntls = \"no\"\ntls = \"required\"\n",
                            "etc/destconfig.toml:3: Error while parsing key-value pair: cannot redefine existing string 'tls'"},
                    BadFile{"DuplicateTable", "[\"a.example\"]\n[\"a.example\"]\n",
                            "etc/destconfig.toml:2: Error while parsing table header: cannot redefine existing table "
                            R"('"a.a.example"')"},
                    BadFile{"DuplicateAfterNormalizing", "[\"a.example\"]\n[\"A.Example.\"]\n",
                            "etc/destconfig.toml:2: entry 'A.Example.' repeats an earlier entry ('a.example')"},
                    BadFile{"BadKey", "[\"*.example.com\"]\ntls = \"no\"\n",
                            "etc/destconfig.toml:1: entry '*.example.com': write '.example.com' for the subdomains of a domain"},
                    BadFile{"NotATable", "tls = \"no\"\n", "etc/destconfig.toml:1: 'tls' must be a table: [\"tls\"]"},
                    BadFile{"OutOfRange", "[default]\nmax-connections = 0\n",
                            "etc/destconfig.toml:2: entry 'default': key 'max-connections' must be an integer from 1 to 1000"},
                    BadFile{"WrongType", "[default]\nmax-connections = \"5\"\n",
                            "etc/destconfig.toml:2: entry 'default': key 'max-connections' must be an integer from 1 to 1000"},
                    BadFile{"SyntaxError", "[default\ntls = \"no\"\n",
                            "etc/destconfig.toml:1: Error while parsing table header: expected ']', saw '\\n'"}),
    [](const testing::TestParamInfo<BadFile>& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace sealpost::policy
