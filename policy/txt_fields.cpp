// See txt_fields.h.
#include "policy/txt_fields.h"

#include <algorithm>

namespace sealpost::policy {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool txt_announces(std::string_view record, std::string_view version) {
  if (!record.starts_with(version)) return false;
  return record.size() == version.size() || record[version.size()] == ';' || is_wsp(record[version.size()]);
}

Result<std::vector<std::string_view>> txt_fields(std::string_view rest) {
  std::vector<std::string_view> fields;
  while (!(rest = trim(rest)).empty()) {
    if (rest.front() != ';') return Error{"the fields of the TXT record are not separated by ';'"};
    rest = trim(rest.substr(1));
    if (rest.empty()) break;  // a final delimiter is allowed
    const std::size_t end = std::min(rest.find(';'), rest.size());
    fields.push_back(trim(rest.substr(0, end)));
    rest = rest.substr(end);
  }
  return fields;
}

}  // namespace sealpost::policy
