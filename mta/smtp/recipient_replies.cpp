// See recipient_replies.h.
#include "mta/smtp/recipient_replies.h"

namespace sealpost::mta {

RecipientResult settle(std::string address, const Reply& r, const std::string& server, std::string_view in_reply_to) {
  if (r.positive()) {
    return {.address = std::move(address),
            .status = RecipientStatus::kSent,
            .status_code = enhanced_or(r, "2.0.0"),
            .reply = server + " said: " + r.summary(),
            .source = ReplySource::kRemote};
  }
  return {.address = std::move(address),
          .status = r.permanent() ? RecipientStatus::kBounced : RecipientStatus::kDeferred,
          .status_code = failure_status(r),
          .reply = server + " said: " + r.summary() + " (in reply to " + std::string(in_reply_to) + ")",
          .source = ReplySource::kRemote};
}

void settle_accepted(std::vector<RecipientResult>& recipients, const Reply& r, const std::string& server,
                     std::string_view in_reply_to) {
  for (auto& rr : recipients) {
    if (rr.status == RecipientStatus::kSent) rr = settle(rr.address, r, server, in_reply_to);
  }
}

}  // namespace sealpost::mta
