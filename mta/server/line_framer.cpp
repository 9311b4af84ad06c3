// See line_framer.h.
#include "mta/server/line_framer.h"

namespace sealpost::mta {

void LineFramer::append(std::string_view bytes) {
  buffer_.erase(0, start_);
  start_ = 0;
  buffer_ += bytes;
}

std::optional<LineFramer::Line> LineFramer::next() {
  const std::size_t lf = buffer_.find('\n', start_);
  if (lf == std::string::npos) {
    buffer_.erase(0, start_);
    start_ = 0;
    if (buffer_.size() > kMaxTextLine) {
      // No line end within the limit: the rest of this line is dropped, the line refused.
      discarding_ = true;
      buffer_.clear();
    }
    return std::nullopt;
  }
  std::string_view text(buffer_.data() + start_, lf - start_);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  const Line line{.text = text, .overlong = discarding_ || text.size() + 2 > kMaxTextLine};
  discarding_ = false;
  start_ = lf + 1;
  return line;
}

std::size_t LineFramer::discard() {
  const std::size_t n = buffer_.size() - start_;
  buffer_.clear();
  start_ = 0;
  discarding_ = false;
  return n;
}

}  // namespace sealpost::mta
