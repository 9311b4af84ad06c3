// Access to the test PKI that tests/pki/make-test-pki.sh made for this test run (CTest
// fixture `pki`; the directory comes in SEALPOST_TEST_PKI), and the fixed validation time.
#pragma once

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tls/pem.h"
#include "tls/trust_store.h"

namespace sealpost::test {

// 2026-01-01T00:00:00Z: every "valid" test certificate runs 2025-01-01 .. 2035-01-01.
inline const std::chrono::system_clock::time_point kValidationTime =
    std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));

inline std::string pki_dir() {
  const char* dir = std::getenv("SEALPOST_TEST_PKI");
  if (!dir) throw std::runtime_error("SEALPOST_TEST_PKI is not set: run through ctest (fixture 'pki')");
  return dir;
}

inline std::string pki_file(const std::string& name) { return pki_dir() + "/" + name; }

inline std::vector<tls::Certificate> pki_certs(const std::string& name) {
  std::ifstream in(pki_file(name));
  std::stringstream text;
  text << in.rdbuf();
  auto certs = tls::read_pem_certificates(text.str(), name);
  if (!certs) throw std::runtime_error(certs.error().message);
  return *certs;
}

inline tls::Trustpoint trustpoint(const std::string& name, const std::string& file) {
  return {.name = name, .certificates = pki_certs(file)};
}

}  // namespace sealpost::test
