// The port of the SMTP test peers started by the CTest fixture `smtp`
// (tests/support/smtp-peers.sh), read from $SEALPOST_TEST_SMTP/peers.env, and their sink.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace sealpost::test {

inline std::string smtp_peers_dir() {
  const char* dir = std::getenv("SEALPOST_TEST_SMTP");
  if (!dir) throw std::runtime_error("SEALPOST_TEST_SMTP is not set: run through ctest (fixture 'smtp')");
  return dir;
}

inline std::uint16_t smtp_peer_port() {
  std::ifstream in(smtp_peers_dir() + "/peers.env");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SMTP_PORT=", 0) == 0) return static_cast<std::uint16_t>(std::stoi(line.substr(10)));
  }
  throw std::runtime_error(smtp_peers_dir() + "/peers.env has no SMTP_PORT");
}

// Messages smtp-sink (the no-STARTTLS peer) has received so far.
inline std::size_t sink_messages() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(smtp_peers_dir() + "/sink")) ++n;
  return n;
}

}  // namespace sealpost::test
