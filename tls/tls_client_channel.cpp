// Botan 3's TLS::Client (TLS 1.2 and 1.3) behind TlsClientChannel (see the header). Botan
// reports protocol failures by throwing from received_data(); they are caught here and
// become an error with the alert or exception text, so nothing above tls/ sees a Botan
// exception. Botan 3 takes its collaborators as shared_ptr; the channel owns the callbacks
// (its Impl) and the context owns the rest, so they are handed over as non-owning aliases.
#include "tls/tls_client_channel.h"

#include <botan/auto_rng.h>
#include <botan/credentials_manager.h>
#include <botan/tls_client.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_policy.h>
#include <botan/tls_session_manager_memory.h>
#include <botan/tls_session_manager_noop.h>

#include "policy/ip_address.h"
#include "tls/botan_channel.h"
#include "tls/botan_policy.h"

namespace sealpost::tls {
namespace {

// Client certificates are never offered; trust is decided after the handshake.
class NoCredentials final : public Botan::Credentials_Manager {};

}  // namespace

struct TlsClientContext::State {
  explicit State(Options o)
      : options(o),
        rng(std::make_shared<Botan::AutoSeeded_RNG>()),
        sessions(std::make_shared<Botan::TLS::Session_Manager_In_Memory>(rng, o.max_sessions)),
        no_sessions(std::make_shared<Botan::TLS::Session_Manager_Noop>()),
        credentials(std::make_shared<NoCredentials>()),
        modern(std::make_shared<SealpostPolicy>(TlsStrength::kModern, o.session_lifetime)),
        legacy(std::make_shared<SealpostPolicy>(TlsStrength::kLegacy, o.session_lifetime)) {}
  Options options;
  std::shared_ptr<Botan::RandomNumberGenerator> rng;
  std::shared_ptr<Botan::TLS::Session_Manager> sessions;
  std::shared_ptr<Botan::TLS::Session_Manager> no_sessions;
  std::shared_ptr<Botan::Credentials_Manager> credentials;
  std::shared_ptr<const Botan::TLS::Policy> modern;
  std::shared_ptr<const Botan::TLS::Policy> legacy;
};

TlsClientContext::TlsClientContext() : TlsClientContext(Options{}) {}
TlsClientContext::TlsClientContext(Options options) : state_(std::make_unique<State>(options)) {}
TlsClientContext::~TlsClientContext() = default;

struct TlsClientChannel::Impl final : ChannelState {
  HandshakeFacts facts;
  std::unique_ptr<Botan::TLS::Client> client;

  // Called on full handshakes only: keep the chain, judge it after the handshake.
  void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                             const std::vector<std::optional<Botan::OCSP::Response>>&,
                             const std::vector<Botan::Certificate_Store*>&, Botan::Usage_Type, std::string_view,
                             const Botan::TLS::Policy&) override {
    if (chain.empty()) throw Botan::TLS::TLS_Exception(Botan::TLS::AlertType::BadCertificate, "server sent no certificate");
  }
  // Full and resumed handshakes, 1.2 and 1.3: a resumed session carries the certificates of
  // the handshake it came from, so every resumption is verified again from them.
  void tls_session_established(const Botan::TLS::Session_Summary& session) override {
    facts.version = session.version().to_string();
    facts.cipher = session.ciphersuite().to_string();
    facts.key_exchange = key_exchange_of(session);
    facts.resumed = session.was_resumption();
    facts.chain.clear();
    for (const auto& c : session.peer_certs()) {
      auto cert = Certificate::from_der(c.BER_encode());
      if (!cert) throw Botan::TLS::TLS_Exception(Botan::TLS::AlertType::BadCertificate, cert.error().message);
      facts.chain.push_back(std::move(*cert));
    }
    if (facts.chain.empty()) throw Botan::TLS::TLS_Exception(Botan::TLS::AlertType::BadCertificate, "no server certificate");
  }
};

TlsClientChannel::TlsClientChannel(TlsClientContext& context, TlsClientConfig config) : impl_(std::make_unique<Impl>()) {
  auto& s = context.state();
  const auto& policy = config.strength == TlsStrength::kLegacy ? s.legacy : s.modern;
  const auto& sessions = s.options.resume_sessions ? s.sessions : s.no_sessions;
  // The strength is part of the cache key, so a legacy session is never offered to a
  // connection that requires modern TLS.
  std::string service = config.strength == TlsStrength::kLegacy ? "smtp-legacy" : "smtp";
  const bool is_ip = policy::IpAddress::parse(config.server_name).has_value();
  if (is_ip) service += "@" + config.server_name;
  try {
    impl_->client = std::make_unique<Botan::TLS::Client>(
        borrowed<Botan::TLS::Callbacks>(*impl_), sessions, s.credentials, policy, s.rng,
        Botan::TLS::Server_Information(is_ip ? std::string() : config.server_name, service, config.port),
        Botan::TLS::Protocol_Version::latest_tls_version());
  } catch (const std::exception& e) {
    impl_->closed = true;
    impl_->alert = std::string("TLS client could not start: ") + e.what();
  }
}

TlsClientChannel::~TlsClientChannel() = default;

Status TlsClientChannel::received(std::span<const std::uint8_t> ciphertext) {
  return channel_received(impl_->client.get(), *impl_, ciphertext);
}

Status TlsClientChannel::send(std::span<const std::uint8_t> plaintext) {
  return channel_send(impl_->client.get(), *impl_, plaintext);
}

void TlsClientChannel::close() { channel_close(impl_->client.get()); }

std::string TlsClientChannel::take_output() { return std::exchange(impl_->output, {}); }
std::string TlsClientChannel::take_plaintext() { return std::exchange(impl_->plaintext, {}); }
bool TlsClientChannel::established() const { return impl_->established; }
bool TlsClientChannel::closed() const { return impl_->closed; }
const HandshakeFacts& TlsClientChannel::facts() const { return impl_->facts; }

}  // namespace sealpost::tls
