// Normalization of table keys and the candidate keys of a destination (see destination_key.h).
#include "policy/destination_key.h"

#include "policy/domain_name.h"
#include "policy/ip_address.h"

namespace sealpost::policy {

Result<std::string> normalize_destination_key(std::string_view key, std::string_view catch_all) {
  if (key == catch_all) return std::string(key);
  if (key.starts_with("*.")) {
    return Error{"'" + escape_for_display(key) + "': write '" + escape_for_display(key.substr(1)) +
                 "' for the subdomains of a domain"};
  }
  if (auto ip = IpAddress::parse(key)) return ip->to_string();
  const bool subdomains = key.starts_with('.');
  auto name = normalize_reference_name(subdomains ? key.substr(1) : key);
  if (!name) {
    return Error{"'" + escape_for_display(key) + "' is not a domain, .domain, IP address or '" + std::string(catch_all) +
                 "': it " + name.error().message};
  }
  return subdomains ? "." + *name : *name;
}

std::vector<std::string> candidate_keys(std::string_view destination) {
  if (auto ip = IpAddress::parse(destination)) return {ip->to_string()};
  auto name = normalize_reference_name(destination);
  if (!name) return {};
  std::vector<std::string> keys{*name};
  for (std::size_t dot = name->find('.'); dot != std::string::npos; dot = name->find('.', dot + 1)) {
    keys.push_back(name->substr(dot));
  }
  return keys;
}

}  // namespace sealpost::policy
