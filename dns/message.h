// DNS messages on the wire (RFC 1035 §4.1): building a query with EDNS0 (RFC 6891 §6) and the
// AD bit set (RFC 6840 §5.7: a resolver reports AD only to a query that asks for it), and
// parsing a response: header flags (AD, TC), rcode, answer records with TTLs, and the SOA of
// the authority section for negative caching (RFC 2308 §5). Parsed types: A (RFC 1035),
// AAAA (RFC 3596), CNAME, PTR, MX, TXT, TLSA (RFC 6698 §2.1), SOA; others are kept as
// unknown. Untrusted input: every byte of a response; compression loops, pointers out of
// range and truncated records are errors, never crashes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "policy/ip_address.h"
#include "policy/result.h"

namespace sealpost::dns {

enum class RrType : std::uint16_t {
  kA = 1,
  kCname = 5,
  kSoa = 6,
  kPtr = 12,
  kMx = 15,
  kTxt = 16,
  kAaaa = 28,
  kTlsa = 52,
};
std::string_view to_string(RrType type);

enum class Rcode : std::uint8_t { kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5 };

inline constexpr std::size_t kMaxMessageOctets = 65535;  // RFC 1035 §4.2.2 (TCP length field)
inline constexpr std::uint16_t kEdnsUdpSize = 1232;      // DNS flag day 2020 recommendation

struct MxData {
  std::uint16_t preference;
  std::string exchange;  // "" for the null MX "." (RFC 7505 §3)
};
struct TlsaData {
  std::uint8_t usage, selector, matching_type;
  std::vector<std::uint8_t> association;
};
struct SoaData {
  std::uint32_t minimum;
};
struct UnknownData {};

// Names are lowercase, without the trailing dot, in presentation form (RFC 1035 §5.1:
// "\." and "\DDD" for bytes that are not plain in a label).
struct ResourceRecord {
  std::string owner;
  std::uint16_t type;
  std::uint32_t ttl;
  std::variant<UnknownData, policy::IpAddress, std::string /*CNAME, PTR*/, MxData, std::vector<std::string> /*TXT*/, TlsaData,
               SoaData>
      data;
};

struct Message {
  std::uint16_t id = 0;
  bool response = false;
  bool truncated = false;
  bool authenticated_data = false;  // AD (RFC 4035 §3.2.3)
  Rcode rcode = Rcode::kNoError;
  std::string question_name;
  std::uint16_t question_type = 0;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authority;
};

// Fails for a name that cannot be encoded (empty label, label > 63, name > 253).
Result<std::vector<std::uint8_t>> build_query(std::string_view name, RrType type, std::uint16_t id);

Result<Message> parse_message(std::span<const std::uint8_t> wire);

}  // namespace sealpost::dns
