// See envelope.h.
#include "mta/smtp/envelope.h"

namespace sealpost::mta {

std::string_view to_string(RecipientStatus status) {
  switch (status) {
    case RecipientStatus::kSent: return "sent";
    case RecipientStatus::kDeferred: return "deferred";
    case RecipientStatus::kBounced: return "bounced";
  }
  return "?";
}

std::string dot_stuff(std::string_view content) {
  std::string out;
  out.reserve(content.size() + content.size() / 64 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (line_start && c == '.') out += '.';
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace sealpost::mta
