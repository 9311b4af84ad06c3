// Mailbox addresses as both directions carry them (RFC 5321 §4.1.2), internationalized
// (RFC 6531 §3.3: with SMTPUTF8 a local part may hold UTF-8 and a domain U-labels). The spool
// keeps an address as the client gave it, its domain in U-label form; what delivery matches
// and looks up (destconfig, smtproutes, DNS, REF-IDs) is the A-label form, made here; what
// goes on the wire depends on whether the message needs SMTPUTF8 (RFC 6531 §3.7.4).
// Untrusted: the client's path text, the message's header bytes.
#pragma once

#include <string>
#include <string_view>

#include "mta/smtp/envelope.h"
#include "policy/result.h"

namespace sealpost::mta {

// "<local@domain>" (with optional ESMTP parameters after it) → the address, the domain
// lowercase ASCII, or U-labels (canonical form) when it has them; "<>" → "". Dot-atom local
// parts only: no source routes, no quoting, no spaces, no control bytes. Without `smtputf8`
// a non-ASCII byte anywhere is refused with 553 5.6.7 (RFC 6531: "Non-ASCII addresses not
// permitted for that sender/recipient"; Postfix's reply);
// with it, the local part must be valid UTF-8 and the domain a valid IDNA2008 name.
Result<std::string> parse_path(std::string_view text, bool allow_empty, bool smtputf8);

// The part after the last '@', as stored.
std::string_view domain_part(std::string_view address);
// The domain as delivery compares it: A-labels, lowercase. An address from the spool always
// converts (it was checked when received); anything else comes back as stored.
std::string delivery_domain(std::string_view address);

// RFC 6531 §3.7.4: only a message whose envelope local parts or header section hold UTF-8
// needs a next hop with SMTPUTF8; one whose only non-ASCII is in domains does not, and goes
// out with A-labels (ascii_address).
bool needs_smtputf8(const Envelope& envelope);
// Its two parts: UTF-8 in the local part (before the last '@'), and UTF-8 in the header
// section (RFC 6532 §3; up to the first empty line).
bool has_utf8_local_part(std::string_view address);
bool has_utf8_header(std::string_view content);
std::string ascii_address(std::string_view address);

}  // namespace sealpost::mta
