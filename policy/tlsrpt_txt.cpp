// See tlsrpt_txt.h; RFC 8460 §3's ABNF, field-delim = *WSP ";" *WSP.
#include "policy/tlsrpt_txt.h"

#include <algorithm>

#include "policy/domain_name.h"

namespace sealpost::policy {
namespace {

constexpr std::string_view kVersion = "v=TLSRPTv1";

bool is_wsp(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

bool announces(std::string_view r) {
  return r.starts_with(kVersion) && (r.size() == kVersion.size() || r[kVersion.size()] == ';' || is_wsp(r[kVersion.size()]));
}

std::string shown(std::string_view s) { return escape_for_display(s.substr(0, 80)); }

}  // namespace

Result<std::optional<TlsRptTxt>> parse_tlsrpt_txt(const std::vector<std::string>& records) {
  std::vector<std::string_view> found;
  for (const auto& r : records) {
    if (announces(r)) found.push_back(r);
  }
  if (found.empty()) return std::optional<TlsRptTxt>{};
  if (found.size() > 1) {
    return Error{std::to_string(found.size()) + " TXT records begin with v=TLSRPTv1 (RFC 8460 §3 wants one)"};
  }
  std::string_view rest = found.front().substr(kVersion.size());
  std::optional<TlsRptTxt> txt;
  std::size_t ignored = 0;
  while (!(rest = trim(rest)).empty()) {
    if (rest.front() != ';') return Error{"the fields of the TXT record are not separated by ';'"};
    rest = trim(rest.substr(1));
    if (rest.empty()) break;  // a final delimiter is allowed
    const std::size_t end = std::min(rest.find(';'), rest.size());
    const std::string_view field = trim(rest.substr(0, end));
    rest = rest.substr(end);
    if (!field.starts_with("rua=")) continue;  // extensions are ignored
    if (txt) return Error{"the v=TLSRPTv1 record has more than one rua field"};
    txt.emplace();
    std::string_view list = field.substr(4);
    while (true) {
      const std::size_t comma = std::min(list.find(','), list.size());
      const std::string_view uri = trim(list.substr(0, comma));
      if (uri.empty()) return Error{"rua has an empty URI"};
      if (uri.size() > kMaxTlsRptUriLength || std::any_of(uri.begin(), uri.end(), [](char c) { return c <= ' ' || c > '~'; })) {
        return Error{"rua URI '" + shown(uri) + "' is malformed"};
      }
      if ((uri.starts_with("mailto:") && uri.size() > 7 && uri.find('@') != std::string_view::npos) ||
          (uri.starts_with("https://") && uri.size() > 8)) {
        if (txt->rua.size() == kMaxTlsRptUris) return Error{"rua lists more than " + std::to_string(kMaxTlsRptUris) + " URIs"};
        txt->rua.emplace_back(uri);
      } else {
        ++ignored;
      }
      if (comma == list.size()) break;
      list = list.substr(comma + 1);
    }
  }
  if (!txt) return Error{"the v=TLSRPTv1 record has no rua field"};
  if (txt->rua.empty()) {
    return Error{"rua names no mailto: or https: URI (" + std::to_string(ignored) + " of another scheme left out)"};
  }
  return txt;
}

}  // namespace sealpost::policy
