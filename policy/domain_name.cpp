// Normalization and validation of DNS names, presented and reference (see domain_name.h).
// Untrusted input: certificate dNSName/CN bytes, envelope domains, DNS answers.
#include "policy/domain_name.h"

#include <cstdio>

#include "idna/idna.h"
#include "policy/ip_address.h"

namespace sealpost::policy {
namespace {

bool is_ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

std::string byte_reason(unsigned char c) {
  if (c == 0) return "contains a NUL byte";
  if (c >= 0x80) return "contains a non-ASCII byte (a U-label? names are compared as A-labels)";  // presented names only
  char buf[64];
  std::snprintf(buf, sizeof buf, "contains the byte 0x%02X, not a letter, digit, hyphen or dot", static_cast<unsigned>(c));
  return buf;
}

// Lowercases, strips one trailing dot and checks bytes and lengths. '*' passes the byte check
// only when allow_star; where it may stand is checked by the caller.
Result<std::string> normalize(std::string_view raw, bool allow_star) {
  if (raw.empty()) return Error{"is empty"};
  std::string name;
  name.reserve(raw.size());
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : ch;
    if (!is_ldh(lower) && lower != '.' && !(allow_star && lower == '*')) {
      return Error{byte_reason(c)};
    }
    name.push_back(lower);
  }
  if (name.back() == '.') name.pop_back();
  if (name.empty()) return Error{"is only a dot"};
  if (name.size() > kMaxDnsNameOctets) return Error{"is longer than 253 octets"};
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    const std::size_t len = dot - start;
    if (len == 0) return Error{"has an empty label"};
    if (len > kMaxDnsLabelOctets) return Error{"has a label longer than 63 octets"};
    // RFC 1123 §2.1 / RFC 5890 §2.3.1 (LDH labels): a label neither starts nor ends with a hyphen.
    if (name[start] == '-' || name[dot - 1] == '-') return Error{"has a label that starts or ends with a hyphen"};
    start = dot + 1;
  }
  return name;
}

std::size_t count_labels(std::string_view name) {
  std::size_t n = 1;
  for (const char c : name) n += c == '.' ? 1 : 0;
  return n;
}

}  // namespace

Result<std::string> normalize_presented_name(std::string_view raw) {
  auto name = normalize(raw, /*allow_star=*/true);
  if (!name) return name;
  const std::string& n = *name;
  const std::size_t star = n.find('*');
  if (star != std::string::npos) {
    // RFC 9525 §6.3: the wildcard is the complete left-most label, and nothing else.
    const bool whole_left_label = star == 0 && (n.size() == 1 || n[1] == '.');
    if (!whole_left_label) {
      return Error{star < n.find('.') ? "has a partial-label wildcard" : "has a wildcard outside the left-most label"};
    }
    if (n.find('*', 1) != std::string::npos) return Error{"has more than one wildcard"};
    // TLS-POLICY.md §4: "*.com" or "*" would cover a top-level domain.
    if (count_labels(n) < 3) return Error{"has a wildcard that covers a top-level domain"};
  }
  // An IP address in a DNS-ID or CN is not a DNS name: IP-IDs come only from iPAddress SANs.
  if (IpAddress::parse(n)) return Error{"is an IP address, not a DNS name"};
  return name;
}

bool has_a_label(std::string_view name) {
  for (std::size_t i = 0; i + 4 <= name.size(); ++i) {
    if ((i == 0 || name[i - 1] == '.') && (name[i] | 0x20) == 'x' && (name[i + 1] | 0x20) == 'n' && name[i + 2] == '-' &&
        name[i + 3] == '-') {
      return true;
    }
  }
  return false;
}

Result<std::string> normalize_reference_name(std::string_view raw) {
  bool non_ascii = false;
  for (const char c : raw) {
    if (c == '*') return Error{"contains a wildcard; reference identifiers never do"};
    non_ascii = non_ascii || static_cast<unsigned char>(c) >= 0x80;
  }
  if (!non_ascii && !has_a_label(raw)) return normalize(raw, /*allow_star=*/false);
  // U-labels become A-labels, and A-labels are checked (RFC 5891 §5), in idna/.
  const idna::Converted a = idna::to_a_label(raw);
  if (!a.ok()) return Error{"is not a valid internationalized domain name (IDNA2008): " + a.error};
  return normalize(a.name, /*allow_star=*/false);
}

std::string unicode_form(std::string_view name) {
  if (!has_a_label(name)) return {};
  const idna::Converted u = idna::to_u_label(name);
  return u.ok() && u.name != name ? u.name : std::string();
}

std::string with_unicode_form(std::string_view name) {
  const std::string u = unicode_form(name);
  return u.empty() ? std::string(name) : std::string(name) + " (" + u + ")";
}

std::string escape_for_display(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(ch);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

}  // namespace sealpost::policy
