// `sealpost send`: one message through a smarthost, the router use case of the source
// documents — `--route 'user@example.com:secret@smtp.example.net:587'`, STARTTLS on 587 or
// implicit TLS on 465 (RFC 8314 §3), AUTH PLAIN/LOGIN only inside TLS (RFC 4954 §4), with the
// same verification and trace as delivery. Untrusted: every argument (header injection: no
// CR or LF in addresses or the subject; RFC 5322 §2.1.1 line limit in the body) and every
// reply. The password is never printed: errors show the route masked.
#include <fstream>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "mta/report/trace_render.h"
#include "mta/smtp/address.h"
#include "policy/domain_name.h"
#include "policy/smtproutes.h"
#include "policy/time_format.h"
#include "policy/utf8.h"
#include "tools/args.h"
#include "tools/commands.h"
#include "tools/live.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "send";
constexpr std::size_t kMaxLineOctets = 998;  // RFC 5322 §2.1.1, without CRLF
constexpr std::size_t kMaxRecipients = 100;

constexpr std::string_view kHelp = R"(usage: sealpost send --route DEST --from ADDR --to ADDR [--to ADDR…] [--cc ADDR…]
                     --subject TEXT (--body TEXT | --file FILE) [options]

Sends one message through a smarthost, as a router's 'action mail' does, with AUTH
when the route has credentials (only inside TLS) and the same verification as delivery.
Exit status: 0 every recipient accepted, 1 some were not, 2 bad input.

  --route DEST              [user:password@]host[:port]; the host starts after the LAST
                            '@', the user ends at the first ':'; %XX escapes allowed.
                            Port 587: STARTTLS; port 465: implicit TLS
  --implicit-tls            TLS from the first byte, whatever the port
  --tls SETTING             default: required-verify-hosted (the route's host names are
                            the reference identities)
  --from ADDR --to ADDR --cc ADDR --subject TEXT --body TEXT --file FILE
  --dns-server IP[:PORT]    repeatable (default: /etc/resolv.conf)
  --trust FILE|NAME, --no-system-trust, --at TIME, --helo NAME, --timeout SECONDS
  --json                    print the outcome as JSON
)";

constexpr OptionSpec kOptions[] = {
    {.name = "route", .takes_value = true},
    {.name = "from", .takes_value = true},
    {.name = "to", .takes_value = true, .repeatable = true},
    {.name = "cc", .takes_value = true, .repeatable = true},
    {.name = "subject", .takes_value = true},
    {.name = "body", .takes_value = true},
    {.name = "file", .takes_value = true},
    {.name = "tls", .takes_value = true},
    {.name = "implicit-tls"},
    {.name = "json"},
    {.name = "help"},
    {.name = "dns-server", .takes_value = true, .repeatable = true},
    {.name = "helo", .takes_value = true},
    {.name = "timeout", .takes_value = true},
    {.name = "at", .takes_value = true},
    {.name = "trust", .takes_value = true, .repeatable = true},
    {.name = "no-system-trust"},
};

// local@domain, no spaces, brackets or control bytes: what goes between < > on the wire.
Result<std::string> check_address(std::string_view what, const std::string& a) {
  const auto at = a.rfind('@');
  const bool clean = std::none_of(a.begin(), a.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '\x7f' || c == ',';
  });
  if (a.size() > 254 || at == std::string::npos || at == 0 || !clean) {
    return Error{std::string(what) + " '" + policy::escape_for_display(a) + "' is not an address (local@domain)"};
  }
  if (!policy::is_valid_utf8(a)) return Error{std::string(what) + " '" + policy::escape_for_display(a) + "' is not UTF-8"};
  auto domain = policy::normalize_reference_name(a.substr(at + 1));  // a U-label domain becomes its A-label
  if (!domain) return Error{std::string(what) + " '" + policy::escape_for_display(a) + "': " + domain.error().message};
  return a.substr(0, at + 1) + *domain;
}

std::string message_id(const std::string& helo) {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
  return "<" + std::string(buf) + ".sealpost@" + helo + ">";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The body with CRLF line ends; a line over 998 octets is refused, never folded silently.
Result<std::string> normalize_body(std::string_view body, std::string_view source) {
  std::string out;
  std::size_t line_no = 1, start = 0;
  while (start <= body.size()) {
    auto end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineOctets) {
      return Error{std::string(source) + " line " + std::to_string(line_no) + " is longer than 998 octets (RFC 5322 §2.1.1)"};
    }
    if (line.find('\0') != std::string_view::npos)
      return Error{std::string(source) + " line " + std::to_string(line_no) + " holds a NUL byte"};
    if (end == body.size() && line.empty()) break;
    out.append(line).append("\r\n");
    start = end + 1;
    ++line_no;
  }
  return out;
}

}  // namespace

int cmd_send(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_args(argv, kOptions, 0, 0);
  if (!parsed) return fail(kCmd, parsed.error().message + " (see 'sealpost send --help')");
  const Args& args = *parsed;
  if (args.has("help") || argv.empty()) {
    std::cout << kHelp;
    return argv.empty() ? kExitBadInput : kExitOk;
  }
  const auto route_text = args.get("route");
  if (!route_text) return fail(kCmd, "--route is required");
  auto route = policy::make_route({*route_text}, args.has("implicit-tls"));
  if (!route) return fail(kCmd, "--route '" + policy::mask_password(*route_text) + "': " + route.error().message);
  if (route->use_dns()) return fail(kCmd, "--route must name a host, not USEDNS");

  const auto from = args.get("from");
  if (!from) return fail(kCmd, "--from is required");
  auto from_addr = check_address("--from", *from);
  if (!from_addr) return fail(kCmd, from_addr.error().message);
  std::vector<std::string> to, cc, rcpts;
  for (const auto& [opt, list] : {std::pair{"to", &to}, {"cc", &cc}}) {
    for (const auto& a : args.all(opt)) {
      auto checked = check_address(std::string("--") + opt, a);
      if (!checked) return fail(kCmd, checked.error().message);
      list->push_back(*checked);
      rcpts.push_back(*checked);
    }
  }
  if (to.empty()) return fail(kCmd, "--to is required");
  if (rcpts.size() > kMaxRecipients) return fail(kCmd, "at most 100 recipients");
  const auto subject = args.get("subject");
  if (!subject) return fail(kCmd, "--subject is required");
  if (subject->find_first_of("\r\n") != std::string::npos || subject->size() > kMaxLineOctets - 9) {
    return fail(kCmd, "--subject must be one line of at most 989 octets");
  }
  if (args.has("body") == args.has("file")) return fail(kCmd, "give exactly one of --body TEXT and --file FILE");
  std::string body_source = "--body";
  Result<std::string> body_text = args.get("body").value_or("");
  if (args.has("file")) {
    body_source = *args.get("file");
    body_text = mta::read_text_file(body_source);
    if (!body_text) return fail(kCmd, body_text.error().message);
  }
  auto body = normalize_body(*body_text, body_source);
  if (!body) return fail(kCmd, body.error().message);

  policy::TlsSetting setting = policy::TlsSetting::kRequiredVerifyHosted;
  if (auto t = args.get("tls")) {
    auto s = policy::parse_tls_setting(*t);
    if (!s) return fail(kCmd, "--tls must be one of " + std::string(policy::kTlsSettingWords));
    setting = *s;
  }
  auto run = live_run_from(ctx, args);
  if (!run) return fail(kCmd, run.error().message);

  const auto& dest = route->destinations.front();
  if (dest.credentials && setting == policy::TlsSetting::kNo) {
    return fail(kCmd, "--tls no with credentials: AUTH is only ever sent inside TLS");
  }
  if (dest.credentials && dest.credentials->user != *from_addr) {
    std::cerr << "sealpost send: warning: From <" << *from_addr << "> differs from the authenticated user "
              << policy::escape_for_display(dest.credentials->user)
              << "; servers such as Gmail refuse or rewrite such a message\n";
  }
  const bool eight_bit =
      std::any_of(body->begin(), body->end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }) ||
      std::any_of(subject->begin(), subject->end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  std::string content = "From: <" + *from_addr + ">\r\nTo: " + join(to) + "\r\n";
  if (!cc.empty()) content += "Cc: " + join(cc) + "\r\n";
  content += "Subject: " + *subject + "\r\nDate: " + policy::rfc5322_utc(std::chrono::system_clock::now()) +
             "\r\nMessage-ID: " + message_id((*run)->session.helo_name) +
             "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n" +
             "Content-Transfer-Encoding: " + (eight_bit ? "8bit" : "7bit") + "\r\n\r\n" + *body;
  // RFC 6531: a UTF-8 local part needs SMTPUTF8 at the smarthost (5.6.7 where it has none).
  const bool utf8_local =
      mta::has_utf8_local_part(*from_addr) || std::any_of(rcpts.begin(), rcpts.end(), mta::has_utf8_local_part);
  mta::Envelope envelope{.from = *from_addr, .recipients = rcpts, .content = std::move(content), .smtputf8 = utf8_local};

  const std::string domain = to.front().substr(to.front().rfind('@') + 1);
  mta::DeliveryRequest request{.recipient_domain = domain,
                               .setting = setting,
                               .destconfig_entry = "send --tls",
                               .route = std::move(*route),
                               .envelope = &envelope};
  auto result = run_delivery(**run, std::move(request));
  if (!result) return fail(kCmd, result.error().message);

  const bool all_sent = !result->recipients.empty() &&
                        std::all_of(result->recipients.begin(), result->recipients.end(),
                                    [](const mta::RecipientResult& r) { return r.status == mta::RecipientStatus::kSent; });
  if (args.has("json")) {
    using nlohmann::json;
    json attempts = json::array(), recipients = json::array();
    for (const auto& s : result->attempts) attempts.push_back(json::parse(mta::to_json_line(s.outcome)));
    for (const auto& r : result->recipients) {
      recipients.push_back({{"address", r.address},
                            {"status", std::string(to_string(r.status))},
                            {"status_code", r.status_code},
                            {"reply", r.reply}});
    }
    std::cout << json{{"sent", all_sent}, {"recipients", recipients}, {"attempts", attempts}}.dump(2, ' ', false,
                                                                                                   json::error_handler_t::replace)
              << "\n";
  } else {
    for (const auto& s : result->attempts) {
      const auto& o = s.outcome;
      std::cout << "relay=" << o.host << "[" << o.ip << "]:" << o.port << " tls=" << mta::tls_summary(o);
      if (!o.tls_version.empty()) std::cout << " (" << o.tls_version << " " << o.tls_cipher << ")";
      std::cout << " stage=" << to_string(o.stage) << " result=" << to_string(o.result);
      if (!o.reason.empty()) std::cout << " (" << (o.status.empty() ? "" : o.status + " ") << o.reason << ")";
      std::cout << "\n";
    }
    for (const auto& r : result->recipients) {
      std::cout << "to=<" << r.address << "> status=" << to_string(r.status) << " (" << r.status_code
                << (r.reply.empty() ? "" : " " + r.reply) << ")\n";
    }
  }
  return all_sent ? kExitOk : kExitNo;
}

}  // namespace sealpost::cli
