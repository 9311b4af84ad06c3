// Ports of the test DNS peers started by the CTest fixture `dns` (tests/support/dns_peers.cpp),
// read from $SEALPOST_TEST_DNS/peers.env.
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace sealpost::test {

struct DnsPeerPorts {
  int nsd = 0;
  int unbound = 0;
};

inline DnsPeerPorts dns_peer_ports() {
  const char* dir = std::getenv("SEALPOST_TEST_DNS");
  if (!dir) throw std::runtime_error("SEALPOST_TEST_DNS is not set: run through ctest (fixture 'dns')");
  std::ifstream in(std::string(dir) + "/peers.env");
  std::map<std::string, int> v;
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) v[line.substr(0, eq)] = std::stoi(line.substr(eq + 1));
  }
  if (!v.count("NSD_PORT")) throw std::runtime_error(std::string(dir) + "/peers.env has no ports");
  return {.nsd = v["NSD_PORT"], .unbound = v["UNBOUND_PORT"]};
}

}  // namespace sealpost::test
