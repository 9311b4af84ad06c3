// `sealpost dns mx|a|aaaa|ptr|tlsa|txt NAME [--server IP[:PORT]]… [--json]`: what delivery
// will see in DNS — MX hosts in delivery order with their addresses, PTR names with forward
// confirmation, the AD bit of the answers. Exit status: 0 found, 1 not found or null MX,
// 2 bad input, 3 temporary failure. The JSON's `status` and `records` are a stable interface.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "asio/asio.h"
#include "dns/cares_transport.h"
#include "dns/mx_lookup.h"
#include "dns/policy_txt_lookup.h"
#include "dns/ptr_lookup.h"
#include "policy/domain_name.h"
#include "policy/mta_sts.h"
#include "policy/tlsrpt_txt.h"
#include "policy/utf8.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kCmd = "dns";
constexpr std::string_view kHelp = R"(usage: sealpost dns mx|a|aaaa|ptr|tlsa|txt NAME [--server IP[:PORT]]... [--json]

Looks NAME up the way delivery does and prints Sealpost's view: MX hosts in delivery order
(equal preferences shuffled) with their addresses, null and implicit MX; PTR names of an
address with their forward confirmation; TLSA and TXT records; and whether the resolver
authenticated the answer (AD bit). --server: the DNS server(s) to ask (default: resolv.conf).
Exit status: 0 found, 1 not found or null MX, 2 bad input, 3 temporary failure.
)";

constexpr OptionSpec kOptions[] = {
    {.name = "help"},
    {.name = "json"},
    {.name = "server", .takes_value = true, .repeatable = true},
};

constexpr int kExitTemporary = 3;

int exit_for(dns::LookupStatus s) {
  return s == dns::LookupStatus::kFound ? kExitOk : s == dns::LookupStatus::kNotFound ? kExitNo : kExitTemporary;
}

std::string join(const std::vector<policy::IpAddress>& ips) {
  std::string out;
  for (const auto& ip : ips) out += (out.empty() ? "" : ", ") + ip.to_string();
  return out.empty() ? "-" : out;
}

json ip_list(const std::vector<policy::IpAddress>& ips) {
  json out = json::array();
  for (const auto& ip : ips) out.push_back(ip.to_string());
  return out;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

int print_mx(const dns::MxResult& r, const std::string& name, bool as_json) {
  const int rc = r.status == dns::MxStatus::kFound              ? kExitOk
                 : r.status == dns::MxStatus::kTemporaryFailure ? kExitTemporary
                                                                : kExitNo;
  if (as_json) {
    json records = json::array();
    for (const auto& h : r.hosts) {
      records.push_back({{"preference", h.preference},
                         {"host", h.name},
                         {"addresses", ip_list(h.addresses)},
                         {"authenticated", h.authenticated},
                         {"problem", h.problem.empty() ? json(nullptr) : json(h.problem)}});
    }
    std::cout << json{{"name", name},
                      {"type", "MX"},
                      {"status", dns::to_string(r.status)},
                      {"implicit", r.implicit},
                      {"authenticated", r.authenticated},
                      {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
                      {"records", records}}
                     .dump(2)
              << "\n";
    return rc;
  }
  std::cout << name << " MX: " << dns::to_string(r.status) << (r.authenticated ? " (authenticated)" : "")
            << (r.implicit ? " (no MX record: the domain itself is the mail host)" : "") << "\n";
  if (!r.reason.empty()) std::cout << "  " << r.reason << "\n";
  for (const auto& h : r.hosts) {
    std::printf("  %5u %-32s %s%s\n", h.preference, h.name.c_str(), join(h.addresses).c_str(),
                h.problem.empty() ? "" : ("   (not used: " + h.problem + ")").c_str());
  }
  return rc;
}

int print_ptr(dns::PtrResult r, const policy::IpAddress& ip, bool as_json) {
  std::sort(r.names.begin(), r.names.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  if (as_json) {
    json records = json::array();
    for (const auto& n : r.names) {
      records.push_back(
          {{"name", n.name}, {"addresses", ip_list(n.addresses)}, {"forward_confirmed", policy::forward_confirmed(n, ip)}});
    }
    std::cout << json{{"name", ip.to_string()},
                      {"type", "PTR"},
                      {"status", dns::to_string(r.status)},
                      {"authenticated", r.authenticated},
                      {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
                      {"records", records}}
                     .dump(2)
              << "\n";
    return exit_for(r.status);
  }
  std::cout << ip.to_string() << " PTR: " << dns::to_string(r.status) << (r.authenticated ? " (authenticated)" : "") << "\n";
  if (!r.reason.empty()) std::cout << "  " << r.reason << "\n";
  for (const auto& n : r.names) {
    std::printf("  %-32s A/AAAA %-24s %s\n", policy::escape_for_display(n.name).c_str(), join(n.addresses).c_str(),
                policy::forward_confirmed(n, ip) ? "forward-confirmed" : "NOT forward-confirmed");
  }
  return exit_for(r.status);
}

// What a policy-announcing TXT name says (RFC 8461 §3.1, RFC 8460 §3), as delivery reads it;
// nothing for other names.
std::optional<std::string> policy_view(const dns::LookupResult& r, const std::string& name) {
  const std::string n = dns::canonical(name);
  const auto records = dns::joined_txt_records(r);
  if (n.starts_with("_smtp._tls.")) {
    auto t = policy::parse_tlsrpt_txt(records);
    if (!t) return "TLS-RPT (RFC 8460 §3): invalid: " + t.error().message;
    if (!*t) return "TLS-RPT (RFC 8460 §3): no v=TLSRPTv1 record";
    std::string rua;
    for (const auto& u : (*t)->rua) rua += (rua.empty() ? "" : ", ") + policy::escape_for_display(u);
    return "TLS-RPT (RFC 8460 §3): reports go to " + rua;
  }
  if (n.starts_with("_mta-sts.")) {
    auto t = policy::parse_sts_txt(records);
    if (!t) return "MTA-STS (RFC 8461 §3.1): invalid: " + t.error().message;
    if (!*t) return "MTA-STS (RFC 8461 §3.1): no v=STSv1 record";
    return "MTA-STS (RFC 8461 §3.1): a policy is published, id " + (*t)->id;
  }
  return std::nullopt;
}

int print_records(const dns::LookupResult& r, const std::string& name, dns::RrType type, bool as_json) {
  const auto view = type == dns::RrType::kTxt && r.status == dns::LookupStatus::kFound ? policy_view(r, name) : std::nullopt;
  json records = json::array();
  std::vector<std::string> lines;
  for (const auto& rr : r.records) {
    json j = {{"ttl", rr.ttl}};
    std::string line;
    if (const auto* ip = std::get_if<policy::IpAddress>(&rr.data)) {
      j["address"] = ip->to_string();
      line = ip->to_string();
    } else if (const auto* txt = std::get_if<std::vector<std::string>>(&rr.data)) {
      j["strings"] = *txt;
      for (const auto& s : *txt) line += (line.empty() ? "" : " ") + ("\"" + policy::escape_for_display(s) + "\"");
    } else if (const auto* t = std::get_if<dns::TlsaData>(&rr.data)) {
      j["usage"] = t->usage;
      j["selector"] = t->selector;
      j["matching_type"] = t->matching_type;
      j["data"] = hex(t->association);
      line = std::to_string(t->usage) + " " + std::to_string(t->selector) + " " + std::to_string(t->matching_type) + " " +
             hex(t->association);
    }
    records.push_back(j);
    lines.push_back(line + "   (TTL " + std::to_string(rr.ttl) + ")");
  }
  if (as_json) {
    std::cout << json{{"name", name},
                      {"type", dns::to_string(type)},
                      {"status", dns::to_string(r.status)},
                      {"canonical_name", r.canonical_name},
                      {"authenticated", r.authenticated},
                      {"reason", r.reason.empty() ? json(nullptr) : json(r.reason)},
                      {"records", records},
                      {"policy", view ? json(*view) : json(nullptr)}}
                     .dump(2, ' ', false, json::error_handler_t::replace)
              << "\n";
    return exit_for(r.status);
  }
  std::cout << name << " " << dns::to_string(type) << ": " << dns::to_string(r.status)
            << (r.authenticated ? " (authenticated)" : "") << "\n";
  if (!r.canonical_name.empty() && r.canonical_name != dns::canonical(name))
    std::cout << "  via CNAME " << r.canonical_name << "\n";
  if (!r.reason.empty()) std::cout << "  " << r.reason << "\n";
  for (const auto& l : lines) std::cout << "  " << l << "\n";
  if (view) std::cout << "  " << *view << "\n";
  return exit_for(r.status);
}

}  // namespace

int cmd_dns(const Context&, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 2}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  if (pos.size() != 2) return fail(kCmd, "usage: dns mx|a|aaaa|ptr|tlsa|txt NAME [--server IP[:PORT]] [--json]");
  const std::string& type = pos[0];
  const bool as_json = args.has("json");
  // A U-label name is looked up as its A-label (RFC 5891 §5), leading _service labels kept.
  std::string name = pos[1];
  if (policy::has_non_ascii(name) && type != "ptr") {
    std::size_t skip = 0;
    while (skip < name.size() && name[skip] == '_' && name.find('.', skip) != std::string::npos) skip = name.find('.', skip) + 1;
    auto a = policy::normalize_reference_name(std::string_view(name).substr(skip));
    if (!a) return fail(kCmd, "'" + policy::escape_for_display(name) + "' " + a.error().message);
    if (!as_json) std::cout << "looking up " << name.substr(0, skip) + *a << ", the A-label form of " << name << "\n";
    name = name.substr(0, skip) + *a;
  }

  std::optional<policy::IpAddress> ptr_ip;
  if (type == "ptr") {
    ptr_ip = policy::IpAddress::parse(name);
    if (!ptr_ip) return fail(kCmd, "'" + policy::escape_for_display(name) + "' is not an IP address");
  } else if (type != "mx" && type != "a" && type != "aaaa" && type != "tlsa" && type != "txt") {
    return fail(kCmd, "unknown record type '" + policy::escape_for_display(type) + "' (mx, a, aaaa, ptr, tlsa, txt)");
  } else if (auto q = dns::build_query(name, dns::RrType::kA, 0); !q) {
    return fail(kCmd, q.error().message);
  }

  boost::asio::io_context io;
  auto transport = dns::CaresTransport::create(io, {.servers = args.all("server")});
  if (!transport) return fail(kCmd, transport.error().message);
  dns::Resolver resolver(**transport);

  int rc = kExitBadInput;
  if (type == "mx") {
    dns::lookup_mx(resolver, name, [&](dns::MxResult r) { rc = print_mx(r, name, as_json); });
  } else if (type == "ptr") {
    dns::lookup_ptr(resolver, *ptr_ip, [&](dns::PtrResult r) { rc = print_ptr(std::move(r), *ptr_ip, as_json); });
  } else {
    const dns::RrType t = type == "a"      ? dns::RrType::kA
                          : type == "aaaa" ? dns::RrType::kAaaa
                          : type == "tlsa" ? dns::RrType::kTlsa
                                           : dns::RrType::kTxt;
    // t by value: the handler runs in io.run(), after this block has ended.
    resolver.lookup(name, t, [&, t](const dns::LookupResult& r) { rc = print_records(r, name, t, as_json); });
  }
  io.run();
  return rc;
}

}  // namespace sealpost::cli
