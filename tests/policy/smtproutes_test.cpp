// SMTP routes and the router-style destination string `user:password@host:port`: the host
// starts after the LAST '@', the user ends at the FIRST ':', %XX decoded, passwords masked.
#include <gtest/gtest.h>

#include "policy/smtproutes.h"

namespace sealpost::policy {
namespace {

using Secrets = RouteDestination::Secrets;

TEST(RouteDestination, RouterStyleStringFromTheSourceDocument) {
  auto d = parse_route_destination("user@example.com:p@ss:word@smtp.example.net:587");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->host, "smtp.example.net");
  EXPECT_EQ(d->port, 587);
  ASSERT_TRUE(d->credentials);
  EXPECT_EQ(d->credentials->user, "user@example.com");
  EXPECT_EQ(d->credentials->password, "p@ss:word");
  EXPECT_EQ(d->to_string(), "user@example.com:***@smtp.example.net:587");
}

TEST(RouteDestination, PercentEscapesPutColonInTheUserName) {
  auto d = parse_route_destination("dom%3Auser:pa%25ss%40@smtp.example.net");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->credentials->user, "dom:user");
  EXPECT_EQ(d->credentials->password, "pa%ss@");
  EXPECT_FALSE(d->port);
  // Revealed form parses back to the same credentials.
  auto again = parse_route_destination(d->to_string(Secrets::kReveal));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->credentials->user, "dom:user");
  EXPECT_EQ(again->credentials->password, "pa%ss@");
  EXPECT_EQ(d->to_string(), "dom%3Auser:***@smtp.example.net");
}

TEST(RouteDestination, HostForms) {
  EXPECT_EQ(parse_route_destination("MX.Example.NET.")->host, "mx.example.net");
  EXPECT_EQ(parse_route_destination("192.0.2.5:2525")->host_port(), "192.0.2.5:2525");
  EXPECT_EQ(parse_route_destination("[2001:db8::5]:25")->host_port(), "[2001:db8::5]:25");
  EXPECT_EQ(parse_route_destination("2001:db8::5")->host_port(), "[2001:db8::5]");
  EXPECT_EQ(parse_route_destination("u:p@[192.0.2.5]:465")->to_string(), "u:***@192.0.2.5:465");
}

TEST(RouteDestination, ErrorsNeverEchoThePassword) {
  const char* bad[] = {
      "user@example.com:s3cret@smtp.example.net:99999",
      "user@example.com:s3cret@",
      "user:s3cret@exa mple.com",
      "user@example.com:s3cret%zz@smtp.example.net",
      ":s3cret@smtp.example.net",
      "user:s3cret@[2001:db8::1",
      "user:s3cret@smtp.example.net:",
      "user:s3cret@smtp.example.net:0",
  };
  for (const char* text : bad) {
    auto d = parse_route_destination(text);
    ASSERT_FALSE(d) << text;
    EXPECT_EQ(d.error().message.find("s3cret"), std::string::npos) << d.error().message;
  }
  EXPECT_FALSE(parse_route_destination("nocolon@smtp.example.net"));
  EXPECT_EQ(mask_password("user@example.com:p@ss:word@smtp.example.net:587"), "user@example.com:***@smtp.example.net:587");
}

constexpr std::string_view kRoutes = R"(
["example.com"]
hosts = ["mx1.relay.example.net", "192.0.2.5:2525"]

[".example.com"]
hosts = ["USEDNS"]

[ALL]
hosts = ["user%40corp.example:secret@smarthost.example.net:465"]
)";

TEST(SmtpRoutes, LookupAndRoundTrip) {
  auto r = parse_smtproutes(kRoutes, "smtproutes.toml");
  ASSERT_TRUE(r) << r.error().message;
  const SmtpRoute* exact = r->lookup("Example.com");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->hosts(), (std::vector<std::string>{"mx1.relay.example.net", "192.0.2.5"}));
  EXPECT_EQ(exact->port_for(exact->destinations[0]), 25);
  EXPECT_TRUE(r->lookup("a.example.com")->use_dns());
  const SmtpRoute* all = r->lookup("other.example");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->implicit_tls_for(all->destinations[0]));  // port 465
  EXPECT_EQ(describe(*all), "user@corp.example:***@smarthost.example.net:465");

  const std::string masked = serialize_smtproutes(*r, Secrets::kMask);
  EXPECT_EQ(masked.find("secret"), std::string::npos);
  auto again = parse_smtproutes(serialize_smtproutes(*r, Secrets::kReveal), "again");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->lookup("x.example")->destinations[0].credentials->password, "secret");
}

TEST(SmtpRoutes, NoRouteMeansMx) {
  auto r = parse_smtproutes("[\"example.com\"]\nhosts = [\"mx.example.net\"]\n", "f");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->lookup("example.org"), nullptr);
}

TEST(SmtpRoutes, FileErrors) {
  struct {
    const char* text;
    const char* error;
  } cases[] = {
      {"[\"a.example\"]\nhosts = []\n", "f:2: route 'a.example': a route needs at least one host, or USEDNS"},
      {"[\"a.example\"]\nimplicit-tls = true\n", "f:1: route 'a.example': key 'hosts' (a list of strings) is missing"},
      {"[\"a.example\"]\nhosts = [\"USEDNS\", \"mx.example\"]\n", "f:2: route 'a.example': USEDNS stands alone in a route"},
      {"[\"a.example\"]\nhosts = [25]\n", "f:2: route 'a.example': key 'hosts' must hold strings"},
      {"[\"a.example\"]\nhosts = [\"u:topsecret@bad host\"]\n",
       "f:2: route 'a.example': host 1 'u:***@bad host': host 'bad host' contains the byte 0x20, not a letter, digit, "
       "hyphen or dot"},
      {"[\"a.example\"]\nhosts = [\"mx.example\"]\nweight = 5\n",
       "f:3: entry 'a.example': unknown key 'weight' (known: hosts, implicit-tls)"},
      {"[\"a.example\"]\nhosts = [\"mx.example\"]\nimplicit-tls = \"yes\"\n",
       "f:3: route 'a.example': key 'implicit-tls' must be true or false"},
  };
  for (const auto& c : cases) {
    auto r = parse_smtproutes(c.text, "f");
    ASSERT_FALSE(r) << c.text;
    EXPECT_EQ(r.error().message, c.error);
  }
}

}  // namespace
}  // namespace sealpost::policy
