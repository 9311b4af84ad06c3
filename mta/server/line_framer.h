// The inbound connection's framing (RFC 5321 §2.3.8, §4.5.3.1.6): the client's byte stream
// cut into lines at LF (a CR before it dropped), a line longer than kMaxTextLine octets with
// its CRLF marked overlong and the rest of it dropped as it arrives, so the buffer never
// holds more than one line's limit; and RFC 3207 §5's rule that whatever the client sent
// after STARTTLS, before the handshake, is discarded (CVE-2011-0411: pipelined commands in
// clear must not run inside the TLS session). Untrusted: every byte from the client.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::mta {

inline constexpr std::size_t kMaxTextLine = 1000;  // RFC 5321 §4.5.3.1.6, with CRLF

class LineFramer {
 public:
  struct Line {
    std::string_view text;  // without CR LF; valid until the next call to append()
    bool overlong = false;  // longer than kMaxTextLine: cut, and to be refused
  };

  void append(std::string_view bytes);
  // The next whole line, or none until more bytes arrive.
  std::optional<Line> next();
  // STARTTLS: drops whatever is buffered (lines and a partial line); how many octets.
  std::size_t discard();

 private:
  std::string buffer_;
  std::size_t start_ = 0;    // where the first unread line begins
  bool discarding_ = false;  // inside a line longer than the limit
};

}  // namespace sealpost::mta
