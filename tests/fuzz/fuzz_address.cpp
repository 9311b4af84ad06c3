// Fuzz target: envelope paths as the listener reads them, internationalized (RFC 6531 §3.3,
// mta/smtp/address.h), and the forms delivery derives from them. Input: one flag byte
// (bit 0: the transaction has SMTPUTF8), then the path text. Untrusted: every byte a client
// sends in MAIL FROM / RCPT TO. Invariants: no crash; without SMTPUTF8 only ASCII is
// accepted; what is accepted is valid UTF-8 and reads back as itself; its delivery domain is
// a normalized ASCII name; the downgraded address is ASCII whenever the local part is.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mta/smtp/address.h"
#include "policy/domain_name.h"
#include "policy/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sealpost;
  if (size == 0) return 0;
  const bool smtputf8 = (data[0] & 1) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto path = mta::parse_path(text, true, smtputf8);
  if (!path) {
    if (path.error().message.size() < 4 || path.error().message[3] != ' ') std::abort();  // "NNN text"
    return 0;
  }
  const std::string& a = *path;
  if (!smtputf8 && policy::has_non_ascii(a)) std::abort();
  if (!policy::is_valid_utf8(a)) std::abort();
  if (a.empty()) return 0;
  const auto again = mta::parse_path("<" + a + ">", false, smtputf8);
  if (!again || *again != a) std::abort();
  const std::string domain = mta::delivery_domain(a);
  if (policy::has_non_ascii(domain)) std::abort();
  const auto normalized = policy::normalize_reference_name(domain);
  if (!normalized || *normalized != domain) std::abort();
  const std::string local = a.substr(0, a.rfind('@'));
  if (!policy::has_non_ascii(local) && policy::has_non_ascii(mta::ascii_address(a))) std::abort();
  return 0;
}
