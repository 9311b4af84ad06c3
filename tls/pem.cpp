// PEM reading with line numbers (see pem.h). Base64 decoding by Botan; each block's DER is
// parsed by Certificate::from_der.
#include "tls/pem.h"

#include <botan/base64.h>

namespace sealpost::tls {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

Result<std::vector<Certificate>> read_pem_certificates(std::string_view text, std::string_view source, PemOptions options) {
  const std::string src(source);
  if (text.size() > kMaxPemOctets) return Error{src + ": larger than 16 MiB"};
  std::vector<Certificate> certs;
  std::string label;  // label of the open block; empty outside a block
  std::string base64;
  std::size_t block_line = 0;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    const std::string where = src + ":" + std::to_string(line_no) + ": ";
    if (label.empty()) {
      if (!line.starts_with(kBegin)) continue;  // RFC 7468 §5.2: text between blocks is allowed
      if (!line.ends_with(kDashes) || line.size() < kBegin.size() + kDashes.size()) return Error{where + "malformed BEGIN line"};
      label = std::string(line.substr(kBegin.size(), line.size() - kBegin.size() - kDashes.size()));
      if (label != "CERTIFICATE" && label != "TRUSTED CERTIFICATE" && label != "X509 CERTIFICATE") {
        if (label.find("PRIVATE KEY") != std::string::npos) {
          return Error{where + "this is a private key; only certificates belong here"};
        }
        return Error{where + "'" + label + "' is not a certificate"};
      }
      base64.clear();
      block_line = line_no;
      continue;
    }
    if (line.starts_with(kEnd)) {
      if (line != std::string(kEnd) + label + std::string(kDashes))
        return Error{where + "END line does not match BEGIN " + label};
      label.clear();
      std::vector<std::uint8_t> der;
      try {
        const auto decoded = Botan::base64_decode(base64);
        der.assign(decoded.begin(), decoded.end());
      } catch (const std::exception&) {
        return Error{src + ":" + std::to_string(block_line) + ": the certificate's base64 is corrupt"};
      }
      auto cert = Certificate::from_der(der);
      if (!cert) {
        if (options.skip_unparsable) continue;
        return Error{src + ":" + std::to_string(block_line) + ": " + cert.error().message};
      }
      if (certs.size() == kMaxPemCertificates) return Error{src + ": more than 1000 certificates"};
      certs.push_back(std::move(*cert));
      continue;
    }
    if (line.find(':') != std::string_view::npos) continue;  // RFC 1421 headers in old PEM
    base64 += line;
  }
  if (!label.empty()) return Error{src + ":" + std::to_string(block_line) + ": BEGIN " + label + " has no END line"};
  if (certs.empty()) return Error{src + ": no certificate found (expected -----BEGIN CERTIFICATE-----)"};
  return certs;
}

}  // namespace sealpost::tls
