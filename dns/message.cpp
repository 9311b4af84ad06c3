// DNS wire format (see message.h).
#include "dns/message.h"

#include <cstdio>

namespace sealpost::dns {
namespace {

constexpr std::size_t kHeaderOctets = 12;
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kTypeOpt = 41;    // RFC 6891 §6.1.1
constexpr int kMaxCompressionJumps = 64;  // more than any honest name needs
constexpr std::size_t kMaxRecordsPerSection = 1024;

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> wire) : wire_(wire) {}

  bool u8(std::uint8_t& v) {
    if (pos_ + 1 > wire_.size()) return false;
    v = wire_[pos_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    if (pos_ + 2 > wire_.size()) return false;
    v = static_cast<std::uint16_t>(wire_[pos_] << 8 | wire_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t hi = 0, lo = 0;
    if (!u16(hi) || !u16(lo)) return false;
    v = static_cast<std::uint32_t>(hi) << 16 | lo;
    return true;
  }
  bool bytes(std::size_t n, std::span<const std::uint8_t>& out) {
    if (pos_ + n > wire_.size()) return false;
    out = wire_.subspan(pos_, n);
    pos_ += n;
    return true;
  }

  // RFC 1035 §4.1.4: labels, possibly ending in a pointer to an earlier name.
  Result<std::string> name() {
    std::string out;
    std::size_t p = pos_;
    bool jumped = false;
    int jumps = 0;
    std::size_t octets = 0;
    for (;;) {
      if (p >= wire_.size()) return Error{"name runs past the end of the message"};
      const std::uint8_t len = wire_[p];
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= wire_.size()) return Error{"compression pointer runs past the end"};
        const std::size_t target = static_cast<std::size_t>(len & 0x3F) << 8 | wire_[p + 1];
        if (!jumped) pos_ = p + 2;
        jumped = true;
        if (++jumps > kMaxCompressionJumps || target >= p) return Error{"compression pointer loops or points forward"};
        p = target;
        continue;
      }
      if (len & 0xC0) return Error{"unknown label type"};
      if (len == 0) {
        if (!jumped) pos_ = p + 1;
        return out;
      }
      if (p + 1 + len > wire_.size()) return Error{"label runs past the end of the message"};
      octets += len + 1u;
      if (octets > 255) return Error{"name longer than 255 octets"};
      if (!out.empty()) out += '.';
      for (std::size_t i = 0; i < len; ++i) append_label_byte(out, wire_[p + 1 + i]);
      p += 1u + len;
    }
  }

  std::size_t pos() const { return pos_; }
  void seek(std::size_t p) { pos_ = p; }

 private:
  static void append_label_byte(std::string& out, std::uint8_t c) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c | 0x20);
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == '.' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
      out += buf;
    }
  }

  std::span<const std::uint8_t> wire_;
  std::size_t pos_ = 0;
};

Result<ResourceRecord> read_record(Reader& r) {
  auto owner = r.name();
  if (!owner) return owner.error();
  ResourceRecord rr{.owner = std::move(*owner), .type = 0, .ttl = 0, .data = UnknownData{}};
  std::uint16_t klass = 0, rdlength = 0;
  if (!r.u16(rr.type) || !r.u16(klass) || !r.u32(rr.ttl) || !r.u16(rdlength)) return Error{"truncated record header"};
  // RFC 2181 §8: a TTL with the top bit set is treated as zero.
  if (rr.ttl & 0x80000000u) rr.ttl = 0;
  const std::size_t start = r.pos();
  std::span<const std::uint8_t> rdata;
  if (!r.bytes(rdlength, rdata)) return Error{"record data runs past the end of the message"};
  const std::size_t end = r.pos();
  if (klass != kClassIn && rr.type != kTypeOpt) return rr;
  const auto bad = [&](const char* what) { return Error{std::string("malformed ") + what + " record for " + rr.owner}; };
  r.seek(start);  // names inside rdata may use compression: parse in place
  switch (static_cast<RrType>(rr.type)) {
    case RrType::kA:
    case RrType::kAaaa: {
      const std::size_t want = rr.type == static_cast<std::uint16_t>(RrType::kA) ? 4 : 16;
      if (rdata.size() != want) return bad(rr.type == 1 ? "A" : "AAAA");
      rr.data = *policy::IpAddress::from_octets(rdata);
      break;
    }
    case RrType::kCname:
    case RrType::kPtr: {
      auto target = r.name();
      if (!target || r.pos() != end) return bad(rr.type == 5 ? "CNAME" : "PTR");
      rr.data = std::move(*target);
      break;
    }
    case RrType::kMx: {
      MxData mx{};
      if (!r.u16(mx.preference)) return bad("MX");
      auto exchange = r.name();
      if (!exchange || r.pos() != end) return bad("MX");
      mx.exchange = std::move(*exchange);
      rr.data = std::move(mx);
      break;
    }
    case RrType::kTxt: {
      std::vector<std::string> strings;
      std::size_t i = 0;
      while (i < rdata.size()) {
        const std::size_t len = rdata[i];
        if (i + 1 + len > rdata.size()) return bad("TXT");
        strings.emplace_back(reinterpret_cast<const char*>(rdata.data() + i + 1), len);
        i += 1 + len;
      }
      rr.data = std::move(strings);
      break;
    }
    case RrType::kTlsa: {
      if (rdata.size() < 3) return bad("TLSA");
      rr.data = TlsaData{
          .usage = rdata[0], .selector = rdata[1], .matching_type = rdata[2], .association = {rdata.begin() + 3, rdata.end()}};
      break;
    }
    case RrType::kSoa: {
      auto mname = r.name();
      auto rname = mname ? r.name() : mname;
      std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
      if (!rname || !r.u32(serial) || !r.u32(refresh) || !r.u32(retry) || !r.u32(expire) || !r.u32(minimum) || r.pos() != end) {
        return bad("SOA");
      }
      rr.data = SoaData{.minimum = minimum};
      break;
    }
  }
  r.seek(end);
  return rr;
}

Status put_name(std::vector<std::uint8_t>& out, std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return Error{"name '" + std::string(name) + "' is empty or longer than 253 octets"};
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::size_t len = dot - start;
    if (len == 0 || len > 63) return Error{"name '" + std::string(name) + "' has an empty or over-long label"};
    out.push_back(static_cast<std::uint8_t>(len));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start), name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return ok();
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

}  // namespace

Result<std::vector<std::uint8_t>> build_query(std::string_view name, RrType type, std::uint16_t id) {
  std::vector<std::uint8_t> q;
  put_u16(q, id);
  q.push_back(0x01);  // RD
  q.push_back(0x20);  // AD: ask the resolver to report whether the answer validated
  put_u16(q, 1);      // QDCOUNT
  put_u16(q, 0);
  put_u16(q, 0);
  put_u16(q, 1);  // ARCOUNT: the OPT record
  if (auto s = put_name(q, name); !s) return s.error();
  put_u16(q, static_cast<std::uint16_t>(type));
  put_u16(q, kClassIn);
  q.push_back(0);  // OPT: root owner
  put_u16(q, kTypeOpt);
  put_u16(q, kEdnsUdpSize);
  put_u16(q, 0);  // extended rcode, version
  put_u16(q, 0);  // flags (no DO: we want the AD bit, not the signatures)
  put_u16(q, 0);  // rdlength
  return q;
}

Result<Message> parse_message(std::span<const std::uint8_t> wire) {
  if (wire.size() < kHeaderOctets) return Error{"DNS message shorter than its header"};
  if (wire.size() > kMaxMessageOctets) return Error{"DNS message too large"};
  Reader r(wire);
  Message m;
  std::uint8_t flags1 = 0, flags2 = 0;
  std::uint16_t qd = 0, an = 0, ns = 0, ar = 0;
  (void)r.u16(m.id);
  (void)r.u8(flags1);
  (void)r.u8(flags2);
  (void)r.u16(qd);
  (void)r.u16(an);
  (void)r.u16(ns);
  (void)r.u16(ar);
  m.response = flags1 & 0x80;
  m.truncated = flags1 & 0x02;
  m.authenticated_data = flags2 & 0x20;
  m.rcode = static_cast<Rcode>(flags2 & 0x0f);
  if (qd > 1) return Error{"more than one question"};
  if (an > kMaxRecordsPerSection || ns > kMaxRecordsPerSection) return Error{"too many records"};
  if (qd == 1) {
    auto qname = r.name();
    std::uint16_t qclass = 0;
    if (!qname || !r.u16(m.question_type) || !r.u16(qclass)) return Error{"malformed question"};
    m.question_name = std::move(*qname);
  }
  for (int section = 0; section < 2; ++section) {
    const std::uint16_t count = section == 0 ? an : ns;
    auto& out = section == 0 ? m.answers : m.authority;
    for (std::uint16_t i = 0; i < count; ++i) {
      auto rr = read_record(r);
      if (!rr) return Error{(section == 0 ? "answer: " : "authority: ") + rr.error().message};
      out.push_back(std::move(*rr));
    }
  }
  return m;  // the additional section is not used
}

std::string_view to_string(RrType type) {
  switch (type) {
    case RrType::kA: return "A";
    case RrType::kCname: return "CNAME";
    case RrType::kSoa: return "SOA";
    case RrType::kPtr: return "PTR";
    case RrType::kMx: return "MX";
    case RrType::kTxt: return "TXT";
    case RrType::kAaaa: return "AAAA";
    case RrType::kTlsa: return "TLSA";
  }
  return "?";
}

}  // namespace sealpost::dns
