// `sealpost trust`: trust anchors (TLS-POLICY.md §2) as named trustpoints, one PEM file each
// in ETC/trust. import reads PEM from a file or pasted on standard input (ending at EOF, a
// blank line after a certificate, or a line `quit`), like `crypto pki import … certificate`.
// Untrusted: the PEM. A private key is refused; a non-CA certificate is accepted with a
// warning, because it pins one server.
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "mta/config/config_file.h"
#include "tls/pem.h"
#include "tls/trust_store.h"
#include "tools/args.h"
#include "tools/commands.h"

namespace sealpost::cli {
namespace {

constexpr std::string_view kCmd = "trust";
constexpr std::string_view kHelp = R"(usage: sealpost trust SUBCOMMAND

  import NAME [FILE|-] [--replace]  add trustpoint NAME from a PEM file, or paste PEM on
                                    standard input and end with an empty line or 'quit'
  list [--json]                     every trustpoint with its certificates
  show NAME [--verbose] [--json]    one trustpoint; --verbose: every field and fingerprint
  delete NAME                       remove a trustpoint

Trustpoints live in ETC/trust/NAME.pem. Every certificate in a trustpoint is a trust anchor,
even an intermediate or a server's own certificate (partial chains are allowed).
)";

constexpr OptionSpec kOptions[] = {
    {.name = "help"},
    {.name = "json"},
    {.name = "verbose"},
    {.name = "replace"},
};

// Reads pasted PEM: stops at EOF, at 'quit', or at an empty line once a certificate ended.
std::string read_pasted_pem() {
  if (isatty(STDIN_FILENO)) {
    std::cerr << "Enter the certificates in PEM format; end with an empty line or 'quit':\n";
  }
  std::string text, line;
  bool after_end = false;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "quit") break;
    if (line.empty() && after_end) break;
    after_end = after_end || line.starts_with("-----END ");
    if (line.starts_with("-----BEGIN ")) after_end = false;
    text += line + "\n";
  }
  return text;
}

std::string one_line(const tls::Certificate& c) { return c.subject() + (c.is_ca() ? "  [CA]" : "  [not a CA: pins one server]"); }

Result<tls::Trustpoint> load_named(const Context& ctx, const std::string& name) {
  if (auto s = tls::check_trustpoint_name(name); !s) return s.error();
  const auto path = ctx.trust_dir() / (name + ".pem");
  if (!std::filesystem::exists(path)) return Error{"no trustpoint '" + name + "' in " + ctx.trust_dir().string()};
  return tls::load_trustpoint_file(path, name);
}

nlohmann::json to_json(const tls::Trustpoint& tp) {
  nlohmann::json certs = nlohmann::json::array();
  for (const auto& c : tp.certificates) {
    certs.push_back({{"subject", c.subject()},
                     {"issuer", c.issuer()},
                     {"serial", c.serial_hex()},
                     {"ca", c.is_ca()},
                     {"sha256", c.fingerprint("SHA-256")}});
  }
  return {{"name", tp.name}, {"certificates", certs}};
}

}  // namespace

int cmd_trust(const Context& ctx, const std::vector<std::string>& argv) {
  auto parsed = parse_command({.name = kCmd, .help = kHelp, .options = kOptions, .max_positionals = 3}, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const Args& args = std::get<Args>(parsed);
  const auto& pos = args.positionals();
  const std::string sub = pos[0];

  if (sub == "import") {
    if (pos.size() < 2) return fail(kCmd, "usage: trust import NAME [FILE|-] [--replace]");
    const std::string& name = pos[1];
    if (auto s = tls::check_trustpoint_name(name); !s) return fail(kCmd, s.error().message);
    const auto path = ctx.trust_dir() / (name + ".pem");
    if (std::filesystem::exists(path) && !args.has("replace")) {
      return fail(kCmd, "trustpoint '" + name + "' exists; give --replace to replace it");
    }
    const bool pasted = pos.size() < 3 || pos[2] == "-";
    std::string text;
    if (pasted) {
      text = read_pasted_pem();
    } else {
      auto t = mta::read_text_file(pos[2]);
      if (!t) return fail(kCmd, t.error().message);
      text = std::move(*t);
    }
    auto certs = tls::read_pem_certificates(text, pasted ? "<stdin>" : pos[2]);
    if (!certs) return fail(kCmd, certs.error().message + " (nothing was imported)");
    std::string pem;
    for (const auto& c : *certs) {
      if (!c.is_ca()) {
        std::cerr << "sealpost trust: warning: " << c.subject()
                  << ": certificate is not a CA certificate; it pins this server only\n";
      }
      pem += "# " + c.subject() + "\n" + c.to_pem();
    }
    std::error_code ec;
    std::filesystem::create_directories(ctx.trust_dir(), ec);
    if (ec) return fail(kCmd, ctx.trust_dir().string() + ": " + ec.message());
    if (auto s = mta::write_file_atomic(path, pem, 0644); !s) return fail(kCmd, s.error().message);
    std::cout << "imported " << certs->size() << " certificate" << (certs->size() == 1 ? "" : "s") << " as trustpoint " << name
              << "\n";
    for (const auto& c : *certs) std::cout << "  " << one_line(c) << "\n    SHA-256 " << c.fingerprint("SHA-256") << "\n";
    return kExitOk;
  }
  if (sub == "list") {
    if (pos.size() != 1) return fail(kCmd, "usage: trust list [--json]");
    // A file the daemon would refuse (unreadable, not PEM, a dangling link) is listed as
    // broken, with the reason; the exit status is then 1.
    tls::TrustStore store;
    std::vector<tls::BrokenTrustpoint> broken;
    if (auto s = store.load_directory(ctx.trust_dir(), &broken); !s) return fail(kCmd, s.error().message);
    const int status = broken.empty() ? kExitOk : kExitNo;
    if (args.has("json")) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& tp : store.trustpoints()) list.push_back(to_json(tp));
      for (const auto& b : broken) list.push_back({{"name", b.name}, {"broken", b.error}});
      std::cout << list.dump(2) << "\n";
      return status;
    }
    if (store.empty() && broken.empty()) std::cout << "no trustpoints in " << ctx.trust_dir().string() << "\n";
    for (const auto& tp : store.trustpoints()) {
      std::cout << tp.name << " (" << tp.certificates.size() << " certificate" << (tp.certificates.size() == 1 ? "" : "s")
                << ")\n";
      for (const auto& c : tp.certificates) std::cout << "  " << one_line(c) << "\n";
    }
    for (const auto& b : broken)
      std::cout << b.name << " (BROKEN: not loaded; sealpostd refuses to start)\n  " << b.error << "\n";
    return status;
  }
  if (sub == "show") {
    if (pos.size() != 2) return fail(kCmd, "usage: trust show NAME [--verbose] [--json]");
    auto tp = load_named(ctx, pos[1]);
    if (!tp) return fail(kCmd, tp.error().message);
    if (args.has("json")) {
      std::cout << to_json(*tp).dump(2) << "\n";
      return kExitOk;
    }
    std::cout << "Trustpoint " << tp->name << "\n";
    for (std::size_t i = 0; i < tp->certificates.size(); ++i) {
      const auto& c = tp->certificates[i];
      std::cout << "Certificate " << i + 1 << " of " << tp->certificates.size() << "\n";
      if (args.has("verbose")) {
        std::cout << c.describe_verbose();
      } else {
        std::cout << "  Subject:  " << c.subject() << "\n  Issuer:   " << c.issuer()
                  << "\n  CA:       " << (c.is_ca() ? "yes" : "no (pins one server)")
                  << "\n  SHA-256:  " << c.fingerprint("SHA-256") << "\n";
      }
    }
    return kExitOk;
  }
  if (sub == "delete") {
    if (pos.size() != 2) return fail(kCmd, "usage: trust delete NAME");
    if (auto s = tls::check_trustpoint_name(pos[1]); !s) return fail(kCmd, s.error().message);
    const auto path = ctx.trust_dir() / (pos[1] + ".pem");
    std::error_code ec;
    if (!std::filesystem::remove(path, ec)) {
      return fail(kCmd, ec ? path.string() + ": " + ec.message() : "no trustpoint '" + pos[1] + "'");
    }
    std::cout << "deleted trustpoint " << pos[1] << "\n";
    return kExitOk;
  }
  return fail(kCmd, "unknown subcommand '" + sub + "' (see 'sealpost trust --help')");
}

}  // namespace sealpost::cli
