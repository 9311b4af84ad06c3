// Certificate inspection and PEM reading on certificates made by openssl.
#include <gtest/gtest.h>

#include "tests/support/test_pki.h"
#include "tls/certificate.h"
#include "tls/pem.h"

namespace sealpost::tls {
namespace {

TEST(Certificate, PresentedNames) {
  const auto hosted = test::pki_certs("hosted.pem")[0].names();
  EXPECT_EQ(hosted.dns_names, (std::vector<std::string>{"*.emailhosted.not", "emailhosted.not"}));
  EXPECT_EQ(hosted.common_names, (std::vector<std::string>{"*.emailhosted.not"}));
  const auto ip = test::pki_certs("ip-san.pem")[0].names();
  ASSERT_EQ(ip.ip_addresses.size(), 2u);
  EXPECT_EQ(ip.ip_addresses[0], (std::vector<std::uint8_t>{127, 0, 0, 5}));
  EXPECT_EQ(ip.ip_addresses[1].size(), 16u);  // IPv6 ::1, which Botan 2's own parser drops
  EXPECT_TRUE(test::pki_certs("cn-only.pem")[0].names().dns_names.empty());
}

TEST(Certificate, VerboseDescriptionHasEveryField) {
  const Certificate c = test::pki_certs("root.pem")[0];
  const std::string v = c.describe_verbose();
  for (const char* field :
       {"Subject:", "Issuer:", "Serial number:", "Valid from:", "Valid to:", "Public key:", "Signature algorithm:", "Key usage:",
        "Extended key usage:", "Basic constraints:", "Subject alt names:", "Subject key id:", "Authority key id:",
        "MD5 fingerprint:", "SHA-1 fingerprint:", "SHA-256 fingerprint:"}) {
    EXPECT_NE(v.find(field), std::string::npos) << field << "\n" << v;
  }
  EXPECT_NE(v.find("RSA 2048 bits"), std::string::npos) << v;
  EXPECT_NE(v.find("keyCertSign, cRLSign"), std::string::npos) << v;
  EXPECT_NE(v.find("CA, no path length limit"), std::string::npos) << v;
  EXPECT_NE(v.find("2025/01/01 00:00:00 UTC"), std::string::npos) << v;
  EXPECT_EQ(c.fingerprint("SHA-256").size(), 95u);
  EXPECT_TRUE(c.is_ca());
  EXPECT_FALSE(test::pki_certs("mx1.pem")[0].is_ca());
  const std::string leaf = test::pki_certs("ip-san.pem")[0].describe_verbose();
  EXPECT_NE(leaf.find("DNS:localhost, IP:127.0.0.5, IP:::1"), std::string::npos) << leaf;
  EXPECT_NE(leaf.find("serverAuth"), std::string::npos) << leaf;
}

TEST(Pem, ErrorsNameSourceAndLine) {
  const auto err = [](std::string_view text) {
    auto r = read_pem_certificates(text, "in.pem");
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(err(""), "in.pem: no certificate found (expected -----BEGIN CERTIFICATE-----)");
  EXPECT_EQ(err("hello\n-----BEGIN CERTIFICATE-----\nAAAA\n"), "in.pem:2: BEGIN CERTIFICATE has no END line");
  EXPECT_EQ(err("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            "in.pem:1: this is a private key; only certificates belong here");
  EXPECT_EQ(err("\n\n-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
            "in.pem:3: the certificate's base64 is corrupt");
  EXPECT_TRUE(err("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                  .starts_with("in.pem:1: not a valid X.509 certificate: "));
  EXPECT_EQ(err("-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n"),
            "in.pem:3: END line does not match BEGIN CERTIFICATE");
}

TEST(Pem, ReadsBundlesWithTextBetweenBlocks) {
  std::ifstream in(test::pki_file("ca-bundle.pem"));
  std::stringstream s;
  s << "Intermediate:\n" << in.rdbuf() << "trailing text\n";
  auto certs = read_pem_certificates(s.str(), "bundle");
  ASSERT_TRUE(certs) << certs.error().message;
  EXPECT_EQ(certs->size(), 2u);
}

}  // namespace
}  // namespace sealpost::tls
