// Name constraint parsing and checking (see name_constraints.h). Untrusted input: the
// nameConstraints DER of CA certificates and the names of the certificates they constrain.
#include "tls/name_constraints.h"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/x509cert.h>

#include <algorithm>

#include "policy/domain_name.h"
#include "policy/ip_address.h"

namespace sealpost::tls {
namespace {

constexpr std::string_view kEmailAttribute = "1.2.840.113549.1.9.1";  // PKCS #9 emailAddress (RFC 5280 §4.2.1.6)
constexpr std::string_view kCommonName = "2.5.4.3";

std::string dn_display(const std::vector<DnAttribute>& dn) {
  static constexpr std::pair<std::string_view, std::string_view> kShort[] = {
      {"2.5.4.3", "CN"}, {"2.5.4.6", "C"}, {"2.5.4.7", "L"}, {"2.5.4.8", "ST"}, {"2.5.4.10", "O"}, {"2.5.4.11", "OU"}};
  std::string out;
  for (const auto& a : dn) {
    std::string key = a.oid;
    for (const auto& [oid, name] : kShort) {
      if (oid == a.oid) key = name;
    }
    out += (out.empty() ? "" : ",") + key + "=" + policy::escape_for_display(a.value);
  }
  return out.empty() ? "(empty)" : out;
}

std::string ip_display(const std::vector<std::uint8_t>& ip) {
  const auto addr = policy::IpAddress::from_octets(ip);
  return addr ? addr->to_string() : "(malformed)";
}

// RFC 5280 §4.2.1.10: "the address range is given by an address and a mask in the form of
// a CIDR prefix" — contiguous ones, then zeros.
int prefix_length(const std::vector<std::uint8_t>& mask) {
  int bits = 0;
  bool zeros = false;
  for (const std::uint8_t byte : mask) {
    for (int b = 7; b >= 0; --b) {
      const bool one = (byte >> b) & 1;
      if (one && zeros) return -1;
      zeros = zeros || !one;
      bits += one ? 1 : 0;
    }
  }
  return bits;
}

Result<NameSubtree> read_subtree(Botan::BER_Decoder& subtree) {
  const Botan::BER_Object base = subtree.get_next_object();
  if (subtree.more_items()) return Error{"a subtree with minimum or maximum (RFC 5280 §4.2.1.10: they must be absent)"};
  const auto cls = base.get_class();
  const auto tag = static_cast<int>(base.type());
  if ((cls != Botan::ASN1_Class::ContextSpecific && cls != Botan::ASN1_Class::ExplicitContextSpecific) || tag > 8) {
    return Error{"a subtree whose base has an unknown GeneralName tag"};
  }
  NameSubtree s{.type = static_cast<GeneralNameType>(tag), .dns = {}, .ip = {}, .mask = {}, .dn = {}, .display = {}};
  const std::vector<std::uint8_t> value(base.bits(), base.bits() + base.length());
  switch (s.type) {
    case GeneralNameType::kDns: {
      const std::string text(value.begin(), value.end());
      s.display = text.empty() ? "(every name)" : policy::escape_for_display(text);
      if (text.empty()) break;
      if (text.front() == '.') return Error{"the dNSName subtree '" + s.display + "' starts with a period"};
      if (text.find('*') != std::string::npos) return Error{"the dNSName subtree '" + s.display + "' has a wildcard"};
      auto name = policy::normalize_reference_name(text);
      if (!name) return Error{"the dNSName subtree '" + s.display + "' " + name.error().message};
      s.dns = *name;
      break;
    }
    case GeneralNameType::kIp: {
      if (value.size() != 8 && value.size() != 32) {
        return Error{"an iPAddress subtree of " + std::to_string(value.size()) + " octets (8 or 32)"};
      }
      s.ip.assign(value.begin(), value.begin() + static_cast<std::ptrdiff_t>(value.size() / 2));
      s.mask.assign(value.begin() + static_cast<std::ptrdiff_t>(value.size() / 2), value.end());
      const int prefix = prefix_length(s.mask);
      if (prefix < 0) return Error{"the iPAddress subtree " + ip_display(s.ip) + " has a mask that is not a prefix"};
      s.display = ip_display(s.ip) + "/" + std::to_string(prefix);
      break;
    }
    case GeneralNameType::kDirectory: {
      auto dn = decode_dn(value);
      if (!dn) return Error{"a directoryName subtree: " + dn.error().message};
      s.dn = std::move(*dn);
      s.display = dn_display(s.dn);
      break;
    }
    default: s.display = std::string(to_string(s.type)); break;
  }
  return s;
}

// RFC 5280 §4.2.1.10: "any DNS name that can be constructed by simply adding zero or more
// labels to the left-hand side of the name satisfies the name constraint".
bool dns_within(std::string_view name, std::string_view tree) {
  if (tree.empty() || name == tree) return true;
  return name.size() > tree.size() && name.ends_with(tree) && name[name.size() - tree.size() - 1] == '.';
}

// A presented "*.S" stands for every "x.S": all of them are inside when S is.
bool dns_permitted(std::string_view name, std::string_view tree) {
  if (name.starts_with("*.")) return dns_within(name.substr(2), tree);
  return dns_within(name, tree);
}

// A wildcard is excluded when any name it stands for could be: "*.S" meets the subtree E
// when S is within E, or when E is one label below S.
bool dns_excluded(std::string_view name, std::string_view tree) {
  if (!name.starts_with("*.")) return dns_within(name, tree);
  const std::string_view base = name.substr(2);
  if (dns_within(base, tree)) return true;
  const auto dot = tree.find('.');
  return dot != std::string_view::npos && tree.substr(dot + 1) == base;
}

bool ip_within(const std::vector<std::uint8_t>& ip, const NameSubtree& s) {
  if (ip.size() != s.ip.size()) return false;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if ((ip[i] & s.mask[i]) != (s.ip[i] & s.mask[i])) return false;
  }
  return true;
}

bool dn_within(const std::vector<DnAttribute>& dn, const NameSubtree& s) {
  if (s.dn.size() > dn.size()) return false;
  for (std::size_t i = 0; i < s.dn.size(); ++i) {
    if (!(dn[i] == s.dn[i])) return false;
  }
  return true;
}

bool has_type(const std::vector<NameSubtree>& trees, GeneralNameType t) {
  for (const auto& s : trees) {
    if (s.type == t) return true;
  }
  return false;
}

std::string trees_of(const std::vector<NameSubtree>& trees, GeneralNameType t) {
  std::string out;
  for (const auto& s : trees) {
    if (s.type == t) out += (out.empty() ? "" : ", ") + s.display;
  }
  return out;
}

// One name against every subtree of its type: a permitted one must hold it (when any
// exists), no excluded one may.
template <class Name, class Permits, class Excludes>
std::string check_one(const NameConstraints& nc, GeneralNameType type, const Name& name, const std::string& shown,
                      Permits permits, Excludes excludes, std::size_t& budget) {
  bool any_permitted = false, inside = false;
  for (const auto& s : nc.permitted) {
    if (s.type != type) continue;
    if (budget == 0) return "name constraints need more than 1,048,576 comparisons";
    --budget;
    any_permitted = true;
    if (permits(name, s)) {
      inside = true;
      break;
    }
  }
  if (any_permitted && !inside) {
    return std::string(to_string(type)) + " " + shown + " is not within the permitted subtrees (" + trees_of(nc.permitted, type) +
           ")";
  }
  for (const auto& s : nc.excluded) {
    if (s.type != type) continue;
    if (budget == 0) return "name constraints need more than 1,048,576 comparisons";
    --budget;
    if (excludes(name, s)) return std::string(to_string(type)) + " " + shown + " is within the excluded subtree " + s.display;
  }
  return {};
}

}  // namespace

Result<NameConstraints> parse_name_constraints(std::span<const std::uint8_t> der) {
  NameConstraints nc;
  try {
    Botan::BER_Decoder seq = Botan::BER_Decoder(der.data(), der.size()).start_sequence();
    while (seq.more_items()) {
      const Botan::BER_Object trees = seq.get_next_object();
      const bool permitted = trees.is_a(0, Botan::ASN1_Class::ExplicitContextSpecific);
      if (!permitted && !trees.is_a(1, Botan::ASN1_Class::ExplicitContextSpecific)) {
        return Error{"unexpected field in nameConstraints"};
      }
      auto& out = permitted ? nc.permitted : nc.excluded;
      if (!out.empty()) return Error{"nameConstraints repeats a subtree list"};
      Botan::BER_Decoder list(trees.bits(), trees.length());
      while (list.more_items()) {
        Botan::BER_Decoder one = list.start_sequence();
        auto s = read_subtree(one);
        if (!s) return s.error();
        out.push_back(std::move(*s));
      }
      // RFC 5280 §4.2.1.10: GeneralSubtrees ::= SEQUENCE SIZE (1..MAX).
      if (out.empty()) return Error{"nameConstraints has an empty subtree list"};
    }
  } catch (const std::exception& e) {
    return Error{std::string("malformed nameConstraints: ") + e.what()};
  }
  // "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (nc.permitted.empty() && nc.excluded.empty()) return Error{"nameConstraints is empty"};
  return nc;
}

ConstrainedNames constrained_names(const Botan::X509_Certificate& cert, const std::vector<RawExtension>& extensions, bool leaf) {
  ConstrainedNames n;
  const auto& subject = cert.raw_subject_dn();
  if (auto dn = decode_dn(subject); !dn) {
    n.unchecked.emplace_back(GeneralNameType::kDirectory, dn.error().message);
  } else {
    for (const auto& a : *dn) {
      if (a.oid == kEmailAttribute) n.unchecked.emplace_back(GeneralNameType::kRfc822, a.value);
      if (leaf && a.oid == kCommonName) {
        // Only a CN that is a host name is one: "Example Mail Server" constrains nothing.
        if (auto host = policy::normalize_presented_name(a.value)) n.cn_hosts.push_back(*host);
      }
    }
    if (!dn->empty()) n.dirs.push_back(std::move(*dn));
  }
  for (const auto& ext : extensions) {
    if (ext.oid != "2.5.29.17") continue;  // subjectAltName
    auto names = decode_general_names(ext.value);
    if (!names) {
      // A subjectAltName we cannot read can hide a name of any type: no constraint can pass it.
      for (int t = 0; t <= static_cast<int>(GeneralNameType::kRegisteredId); ++t) {
        n.unchecked.emplace_back(static_cast<GeneralNameType>(t), names.error().message);
      }
      continue;
    }
    for (auto& g : *names) {
      const std::string text(g.value.begin(), g.value.end());
      switch (g.type) {
        case GeneralNameType::kDns:
          if (auto host = policy::normalize_presented_name(text)) {
            n.dns.push_back(*host);
          } else {
            n.unchecked.emplace_back(g.type, "'" + policy::escape_for_display(text) + "' " + host.error().message);
          }
          break;
        case GeneralNameType::kIp:
          if (g.value.size() == 4 || g.value.size() == 16) {
            n.ips.push_back(std::move(g.value));
          } else {
            n.unchecked.emplace_back(g.type, "an address of " + std::to_string(g.value.size()) + " octets");
          }
          break;
        case GeneralNameType::kDirectory:
          if (auto dn = decode_dn(g.value)) {
            n.dirs.push_back(std::move(*dn));
          } else {
            n.unchecked.emplace_back(g.type, dn.error().message);
          }
          break;
        default: n.unchecked.emplace_back(g.type, policy::escape_for_display(text)); break;
      }
    }
  }
  return n;
}

std::string check_name_constraints(const NameConstraints& nc, const ConstrainedNames& names, std::size_t& budget,
                                   std::vector<std::string>& cns_outside) {
  const auto check_dns = [&](const std::string& name) {
    return check_one(
        nc, GeneralNameType::kDns, name, "'" + name + "'",
        [](const std::string& n, const NameSubtree& s) { return dns_permitted(n, s.dns); },
        [](const std::string& n, const NameSubtree& s) { return dns_excluded(n, s.dns); }, budget);
  };
  for (const auto& name : names.dns) {
    if (auto why = check_dns(name); !why.empty()) return why;
  }
  for (const auto& cn : names.cn_hosts) {
    auto why = check_dns(cn);
    if (why.empty()) continue;
    // CA/B BR §7.1.2.10.8: without dNSName SANs the CN is the name, and it must comply.
    if (names.dns.empty() || budget == 0) return why;
    if (std::find(cns_outside.begin(), cns_outside.end(), cn) == cns_outside.end()) cns_outside.push_back(cn);
  }
  for (const auto& ip : names.ips) {
    auto why = check_one(nc, GeneralNameType::kIp, ip, ip_display(ip), ip_within, ip_within, budget);
    if (!why.empty()) return why;
  }
  for (const auto& dn : names.dirs) {
    auto why = check_one(nc, GeneralNameType::kDirectory, dn, "'" + dn_display(dn) + "'", dn_within, dn_within, budget);
    if (!why.empty()) return why;
  }
  for (const auto& [type, shown] : names.unchecked) {
    if (has_type(nc.permitted, type) || has_type(nc.excluded, type)) {
      return std::string(to_string(type)) + " " + shown + " is under a " + std::string(to_string(type)) +
             " constraint that Sealpost cannot check";
    }
  }
  return {};
}

}  // namespace sealpost::tls
