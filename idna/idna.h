// Internationalized domain names: the one place Sealpost converts between U-labels
// (bücher.example) and A-labels (xn--bcher-kva.example), with libidn2: IDNA2008 (RFC 5890,
// 5891 §4–5, 5892) after the UTS #46 mapping, non-transitional (ß and ς stay themselves, as
// browsers and the large mailbox providers treat them; case is folded, input NFC-normalized).
// A pure interface (no I/O, no locale): names in, names or a reason out. The input is
// untrusted (envelope domains, configuration, command lines); libidn2 checks that it is UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::idna {

struct Converted {
  std::string name;   // the converted name; empty when `error` says why not
  std::string error;  // libidn2's reason, e.g. "string contains a disallowed character"
  bool ok() const { return error.empty(); }
};

// The A-label form of a whole domain name (labels converted one by one, ASCII labels kept,
// lowercased). An `xn--` label in the input is checked: it must decode to a valid U-label
// and encode back to itself (RFC 5891 §5.4).
Converted to_a_label(std::string_view name);

// The U-label form of a name holding A-labels, for display. Fails for an A-label that does
// not decode; a name without A-labels comes back as it is.
Converted to_u_label(std::string_view name);

}  // namespace sealpost::idna
