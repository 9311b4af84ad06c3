// See address.h.
#include "mta/smtp/address.h"

#include <algorithm>

#include "policy/domain_name.h"
#include "policy/utf8.h"

namespace sealpost::mta {
namespace {

// RFC 5321 §4.5.3.1.3: a path of at most 256 octets with its angle brackets.
constexpr std::size_t kMaxPathOctets = 254;
constexpr std::string_view kNeedsSmtputf8 = "553 5.6.7 Must declare SMTPUTF8 to send a non-ASCII address (RFC 6531)";

bool bad_local_byte(unsigned char c) {
  // RFC 5322 §3.2.3 atext has no '@': "a@b@example.com" is no dot-atom address.
  return c <= ' ' || c == '<' || c == '>' || c == 0x7f || c == '"' || c == '\\' || c == ',' || c == ':' || c == ';' || c == '(' ||
         c == ')' || c == '[' || c == ']' || c == '@';
}

}  // namespace

Result<std::string> parse_path(std::string_view text, bool allow_empty, bool smtputf8) {
  if (text.empty() || text.front() != '<') return Error{"501 5.1.7 Syntax: the address must be in <>"};
  const auto close = text.find('>');
  if (close == std::string_view::npos) return Error{"501 5.1.7 Syntax: missing '>'"};
  const std::string_view inner = text.substr(1, close - 1);
  if (inner.empty()) {
    if (allow_empty) return std::string();
    return Error{"501 5.1.3 Bad recipient address syntax"};
  }
  if (inner.size() > kMaxPathOctets) return Error{"501 5.1.3 Address too long"};
  const auto at = inner.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || inner.front() == '@') {
    return Error{"501 5.1.3 Bad address syntax (local@domain)"};
  }
  const std::string_view local = inner.substr(0, at);
  const std::string_view domain = inner.substr(at + 1);
  if (policy::has_non_ascii(inner) && !smtputf8) return Error{std::string(kNeedsSmtputf8)};
  for (char c : local) {
    if (bad_local_byte(static_cast<unsigned char>(c))) {
      return Error{"501 5.1.3 Bad address syntax: this relay accepts dot-atom local parts only"};
    }
  }
  if (!policy::is_valid_utf8(local)) return Error{"501 5.1.3 Bad address syntax: the local part is not UTF-8 (RFC 6531 §3.3)"};
  auto a_label = policy::normalize_reference_name(domain);
  if (!a_label) return Error{"501 5.1.2 Bad domain in address"};
  if (!policy::has_non_ascii(domain)) return std::string(local) + "@" + *a_label;
  // The canonical U-label form, where it names the same domain again and fits the path's
  // limit: an A-label whose Unicode form the UTS #46 mapping would change (xn--kmk is U+3208,
  // mapped to "(ᄀ)"), or a domain whose UTF-8 is longer than 254 octets with the local part,
  // stays in A-labels, so that what was accepted reads back as itself (found by fuzz_address).
  const std::string u = policy::unicode_form(*a_label);
  const auto back = u.empty() ? Result<std::string>(Error{""}) : policy::normalize_reference_name(u);
  const bool u_form = back && *back == *a_label && local.size() + 1 + u.size() <= kMaxPathOctets;
  std::string address = std::string(local) + "@" + (u_form ? u : *a_label);
  // A-labels are longer than the U-labels they encode: a path that fits as the client wrote
  // it may not fit in the form delivery sends.
  if (address.size() > kMaxPathOctets) return Error{"501 5.1.3 Address too long (in A-labels)"};
  return address;
}

std::string_view domain_part(std::string_view address) { return address.substr(address.rfind('@') + 1); }

std::string delivery_domain(std::string_view address) {
  const std::string_view d = domain_part(address);
  if (!policy::has_non_ascii(d)) return std::string(d);
  auto a = policy::normalize_reference_name(d);
  return a ? *a : std::string(d);
}

std::string ascii_address(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos || !policy::has_non_ascii(address.substr(at + 1))) return std::string(address);
  return std::string(address.substr(0, at + 1)) + delivery_domain(address);
}

bool has_utf8_local_part(std::string_view address) { return policy::has_non_ascii(address.substr(0, address.rfind('@'))); }

bool has_utf8_header(std::string_view content) { return policy::has_non_ascii(content.substr(0, content.find("\r\n\r\n"))); }

bool needs_smtputf8(const Envelope& envelope) {
  if (!envelope.smtputf8) return false;
  // The body alone is 8BITMIME's business (RFC 6152), not SMTPUTF8's.
  return has_utf8_local_part(envelope.from) ||
         std::any_of(envelope.recipients.begin(), envelope.recipients.end(), has_utf8_local_part) ||
         has_utf8_header(envelope.content);
}

}  // namespace sealpost::mta
