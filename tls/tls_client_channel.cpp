// Botan 2's TLS::Client behind TlsClientChannel (see the header). Botan reports protocol
// failures by throwing from received_data(); they are caught here and become an error with
// the alert or exception text, so nothing above tls/ sees a Botan exception.
#include "tls/tls_client_channel.h"

#include <botan/auto_rng.h>
#include <botan/credentials_manager.h>
#include <botan/tls_client.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_policy.h>
#include <botan/tls_session_manager.h>

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
        sessions(rng, o.max_sessions, o.session_lifetime),
        modern(TlsStrength::kModern),
        legacy(TlsStrength::kLegacy) {}
  Options options;
  Botan::AutoSeeded_RNG rng;
  Botan::TLS::Session_Manager_In_Memory sessions;
  Botan::TLS::Session_Manager_Noop no_sessions;
  NoCredentials credentials;
  SealpostPolicy modern;
  SealpostPolicy legacy;
};

TlsClientContext::TlsClientContext() : TlsClientContext(Options{}) {}
TlsClientContext::TlsClientContext(Options options) : state_(std::make_unique<State>(options)) {}
TlsClientContext::~TlsClientContext() = default;

struct TlsClientChannel::Impl final : ChannelState {
  HandshakeFacts facts;
  bool verify_called = false;
  std::unique_ptr<Botan::TLS::Client> client;

  // Called on full handshakes only: keep the chain, judge it after the handshake.
  void tls_verify_cert_chain(const std::vector<Botan::X509_Certificate>& chain,
                             const std::vector<std::shared_ptr<const Botan::OCSP::Response>>&,
                             const std::vector<Botan::Certificate_Store*>&, Botan::Usage_Type, const std::string&,
                             const Botan::TLS::Policy&) override {
    verify_called = true;
    if (chain.empty()) throw Botan::TLS::TLS_Exception(Botan::TLS::Alert::BAD_CERTIFICATE, "server sent no certificate");
  }
  bool tls_session_established(const Botan::TLS::Session& session) override {
    facts.version = session.version().to_string();
    facts.cipher = session.ciphersuite().to_string();
    facts.resumed = !verify_called;
    facts.chain.clear();
    for (const auto& c : session.peer_certs()) {
      auto cert = Certificate::from_der(c.BER_encode());
      if (!cert) throw Botan::TLS::TLS_Exception(Botan::TLS::Alert::BAD_CERTIFICATE, cert.error().message);
      facts.chain.push_back(std::move(*cert));
    }
    if (facts.chain.empty()) throw Botan::TLS::TLS_Exception(Botan::TLS::Alert::BAD_CERTIFICATE, "no server certificate");
    return true;  // cache it: every resumption is re-verified from these certificates
  }
};

TlsClientChannel::TlsClientChannel(TlsClientContext& context, TlsClientConfig config) : impl_(std::make_unique<Impl>()) {
  auto& s = context.state();
  const SealpostPolicy& policy = config.strength == TlsStrength::kLegacy ? s.legacy : s.modern;
  Botan::TLS::Session_Manager& sessions =
      s.options.resume_sessions ? static_cast<Botan::TLS::Session_Manager&>(s.sessions) : s.no_sessions;
  // The strength is part of the cache key, so a legacy session is never offered to a
  // connection that requires modern TLS.
  const std::string service = config.strength == TlsStrength::kLegacy ? "smtp-legacy" : "smtp";
  try {
    impl_->client = std::make_unique<Botan::TLS::Client>(*impl_, sessions, s.credentials, policy, s.rng,
                                                         Botan::TLS::Server_Information(config.server_name, service, config.port),
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
