// See tlsrpt_txt.h; RFC 8460 §3's ABNF, field-delim = *WSP ";" *WSP.
#include "policy/tlsrpt_txt.h"

#include <algorithm>

#include "policy/domain_name.h"
#include "policy/txt_fields.h"

namespace sealpost::policy {
namespace {

constexpr std::string_view kVersion = "v=TLSRPTv1";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string shown(std::string_view s) { return escape_for_display(s.substr(0, 80)); }

}  // namespace

Result<std::optional<TlsRptTxt>> parse_tlsrpt_txt(const std::vector<std::string>& records) {
  std::vector<std::string_view> found;
  for (const auto& r : records) {
    if (txt_announces(r, kVersion)) found.push_back(r);
  }
  if (found.empty()) return std::optional<TlsRptTxt>{};
  if (found.size() > 1) {
    return Error{std::to_string(found.size()) + " TXT records begin with v=TLSRPTv1 (RFC 8460 §3 wants one)"};
  }
  auto fields = txt_fields(found.front().substr(kVersion.size()));
  if (!fields) return fields.error();
  std::optional<TlsRptTxt> txt;
  std::size_t ignored = 0;
  for (const std::string_view field : *fields) {
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
