// Fuzz target: PEM and certificate parsing (tls/pem.h, tls/certificate.h) and, for what
// parses, name extraction and the identity rules on the result.
#include <cstdint>
#include <string_view>

#include "policy/verification.h"
#include "tls/pem.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto certs = tls::read_pem_certificates(in, "fuzz");
  if (!certs) {
    // Also try the input as raw DER.
    auto der = tls::Certificate::from_der({data, size});
    if (!der) return 0;
    certs = std::vector<tls::Certificate>{*der};
  }
  for (const auto& c : *certs) {
    (void)c.describe_verbose();
    const policy::DeliveryFacts facts{.recipient_domain = "example.com",
                                      .mx_host = "mx.example.com",
                                      .connected_ip = policy::IpAddress::parse("192.0.2.1"),
                                      .ptr = {},
                                      .route_hosts = {}};
    (void)policy::verify_certificate(policy::TlsSetting::kRequiredVerifyHosted, {}, c.names(), facts);
    (void)policy::verify_certificate(policy::TlsSetting::kRequiredVerify, {}, c.names(), facts);
  }
  return 0;
}
