// CIDR relay networks and etc/sealpost.toml validation (policy/ip_network.h,
// policy/relay_config.h): defaults, errors that name file, line and key, the shipped file.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "policy/ip_network.h"
#include "policy/relay_config.h"

namespace sealpost {
namespace {

TEST(IpNetwork, ContainsAndErrors) {
  const auto lo = policy::IpNetwork::parse("127.0.0.0/8");
  ASSERT_TRUE(lo);
  EXPECT_TRUE(lo->contains(*policy::IpAddress::parse("127.1.2.3")));
  EXPECT_FALSE(lo->contains(*policy::IpAddress::parse("128.0.0.1")));
  EXPECT_TRUE(lo->contains(*policy::IpAddress::parse("::ffff:127.0.0.1")));  // IPv4-mapped
  EXPECT_TRUE(policy::IpNetwork::parse("2001:db8::/32")->contains(*policy::IpAddress::parse("2001:db8:1::5")));
  EXPECT_FALSE(policy::IpNetwork::parse("::1/128")->contains(*policy::IpAddress::parse("127.0.0.1")));
  EXPECT_TRUE(policy::IpNetwork::parse("0.0.0.0/0")->contains(*policy::IpAddress::parse("203.0.113.9")));
  for (const char* bad : {"127.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "host/8", "10.0.0.0/a"}) {
    EXPECT_FALSE(policy::IpNetwork::parse(bad)) << bad;
  }
}

TEST(RelayConfig, DefaultsAndErrorsNameFileLineAndKey) {
  auto c = policy::parse_relay_config("", "sealpost.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen.at(0).port, 2525);
  EXPECT_EQ(c->relay_networks.size(), 2u);
  c = policy::parse_relay_config("[server]\nlisten = [\"[::1]:25\"]\n[delivery]\nretry_seconds = [5, 10]\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen.at(0).address, "::1");
  EXPECT_EQ(c->retry_seconds, (std::vector<std::uint32_t>{5, 10}));
  EXPECT_FALSE(c->dnssec_trust_ad) << "DNSSEC answers are not believed unless the operator says so";
  c = policy::parse_relay_config("[dns]\nservers = [\"127.0.0.1:53\"]\ndnssec = \"trust-ad\"\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->dnssec_trust_ad);
  EXPECT_EQ(c->mta_sts_port, 443);
  EXPECT_EQ(c->mta_sts_refresh_seconds, 3600u);
  EXPECT_EQ(c->mta_sts_timeout_seconds, 60u);
  c = policy::parse_relay_config("[delivery]\nmta_sts_port = 8443\nmta_sts_refresh_seconds = 60\nmta_sts_timeout_seconds = 5\n",
                                 "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->mta_sts_port, 8443);
  EXPECT_EQ(c->mta_sts_refresh_seconds, 60u);
  EXPECT_EQ(c->mta_sts_timeout_seconds, 5u);
  EXPECT_FALSE(c->metrics_listen) << "no metrics endpoint unless asked for";
  EXPECT_EQ(c->user, "");
  c = policy::parse_relay_config("[server]\nuser = \"sealpost\"\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->user, "sealpost");
  EXPECT_TRUE(c->alert_recipients.empty());
  EXPECT_EQ(c->alert_interval_seconds, 3600u);
  c = policy::parse_relay_config("[alerts]\nrecipients = [\"postmaster@example.com\"]\ninterval_seconds = 600\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->alert_recipients, std::vector<std::string>{"postmaster@example.com"});
  EXPECT_EQ(c->alert_interval_seconds, 600u);
  c = policy::parse_relay_config("[metrics]\nlisten = \"[::1]:9325\"\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->metrics_listen);
  EXPECT_EQ(c->metrics_listen->address, "::1");
  EXPECT_EQ(c->metrics_listen->port, 9325);
  c = policy::parse_relay_config("[metrics]\nlisten = \"\"\n", "f");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->metrics_listen);
  const std::pair<const char*, const char*> bad[] = {
      {"[server]\nlisten = [\"127.0.0.1\"]\n", "listen"},
      {"[server]\nrelay_networks = [\"10.0.0.1/8\"]\n", "host bits"},
      {"[server]\nmax_recipients = 0\n", "max_recipients"},
      {"[spool]\ndirectory = 5\n", "directory"},
      {"[server]\nlisten_on = []\n", "listen_on"},
      {"[mail]\n", "unknown section"},
      {"[log]\nlevel = \"loud\"\n", "level"},
      {"[delivery]\n\nretry_seconds = [0]\n", "f:3"},
      {"[dns]\ndnssec = \"on\"\n", "[dns] dnssec must be \"off\" or \"trust-ad\", not \"on\""},
      {"[delivery]\nmta_sts_timeout_seconds = 61\n", "mta_sts_timeout_seconds"},
      {"[delivery]\nmta_sts_port = 0\n", "mta_sts_port"},
      {"[delivery]\nmta_sts_refresh_seconds = 0\n", "mta_sts_refresh_seconds"},
      {"[metrics]\nlisten = \"localhost:9325\"\n", "[metrics] listen: 'localhost:9325' must be IP:PORT"},
      {"[metrics]\nport = 9325\n", "port"},
      {"[server]\nuser = \"mail user\"\n", "[server] user 'mail user' is not a user name"},
      {"[server]\nuser = \"-r\"\n", "[server] user '-r' is not a user name"},
      {"[alerts]\nrecipients = [\"postmaster\"]\n", "[alerts] recipients: 'postmaster' is not an address"},
      {"[alerts]\nrecipients = [\"a@b>\\r\\nBcc: x@y\"]\n", "[alerts] recipients:"},
      {"[alerts]\ninterval_seconds = 5\n", "interval_seconds"},
  };
  for (const auto& [text, want] : bad) {
    auto r = policy::parse_relay_config(text, "f");
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(want), std::string::npos) << r.error().message;
  }
}

TEST(RelayConfig, ShippedDefaultsValidate) {
  std::ifstream in(std::string(SEALPOST_SOURCE_DIR) + "/etc/sealpost.toml");
  std::stringstream text;
  text << in.rdbuf();
  auto c = policy::parse_relay_config(text.str(), "etc/sealpost.toml");
  ASSERT_TRUE(c) << c.error().message;
}

}  // namespace
}  // namespace sealpost
