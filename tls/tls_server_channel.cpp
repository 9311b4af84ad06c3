// Botan 3's TLS::Server (TLS 1.2 and 1.3) behind TlsServerChannel (see the header). Client certificates are
// not asked for: relay clients are authorized by address (relay networks).
#include "tls/tls_server_channel.h"

#include <botan/auto_rng.h>
#include <botan/credentials_manager.h>
#include <botan/data_src.h>
#include <botan/pkcs8.h>
#include <botan/tls_exceptn.h>
#include <botan/tls_server.h>
#include <botan/tls_session_manager_memory.h>

#include <fstream>
#include <sstream>

#include "tls/botan_channel.h"
#include "tls/botan_policy.h"
#include "tls/pem.h"

namespace sealpost::tls {
namespace {

class ServerCredentials final : public Botan::Credentials_Manager {
 public:
  ServerCredentials(std::vector<Botan::X509_Certificate> chain, std::shared_ptr<Botan::Private_Key> key)
      : chain_(std::move(chain)), key_(std::move(key)) {}
  std::vector<Botan::X509_Certificate> cert_chain(const std::vector<std::string>& key_types,
                                                  const std::vector<Botan::AlgorithmIdentifier>&, const std::string& type,
                                                  const std::string&) override {
    if (type != "tls-server") return {};
    for (const auto& k : key_types) {
      if (k == key_->algo_name()) return chain_;
    }
    return {};
  }
  std::shared_ptr<Botan::Private_Key> private_key_for(const Botan::X509_Certificate&, const std::string&,
                                                      const std::string&) override {
    return key_;
  }

 private:
  std::vector<Botan::X509_Certificate> chain_;
  std::shared_ptr<Botan::Private_Key> key_;
};

Result<std::string> slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot read"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

struct TlsServerContext::State {
  State(std::vector<Botan::X509_Certificate> chain, std::unique_ptr<Botan::Private_Key> key)
      : rng(std::make_shared<Botan::AutoSeeded_RNG>()),
        credentials(std::make_shared<ServerCredentials>(std::move(chain), std::move(key))),
        sessions(std::make_shared<Botan::TLS::Session_Manager_In_Memory>(rng)),
        policy(std::make_shared<SealpostPolicy>(TlsStrength::kModern)) {}
  std::shared_ptr<Botan::RandomNumberGenerator> rng;
  std::shared_ptr<Botan::Credentials_Manager> credentials;
  std::shared_ptr<Botan::TLS::Session_Manager> sessions;
  std::shared_ptr<const Botan::TLS::Policy> policy;
};

TlsServerContext::TlsServerContext(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsServerContext::~TlsServerContext() = default;

Result<std::unique_ptr<TlsServerContext>> TlsServerContext::load(const std::filesystem::path& chain_file,
                                                                 const std::filesystem::path& key_file) {
  auto chain_text = slurp(chain_file);
  if (!chain_text) return chain_text.error();
  auto certs = read_pem_certificates(*chain_text, chain_file.string());
  if (!certs) return certs.error();
  if (certs->empty()) return Error{chain_file.string() + ": no certificate"};
  std::vector<Botan::X509_Certificate> chain;
  for (const auto& c : *certs) chain.push_back(c.botan());
  auto key_text = slurp(key_file);
  if (!key_text) return key_text.error();
  std::unique_ptr<Botan::Private_Key> key;
  try {
    Botan::DataSource_Memory source(*key_text);
    key = Botan::PKCS8::load_key(source);
  } catch (const std::exception& e) {
    return Error{key_file.string() + ": not a private key in PEM (PKCS #8): " + e.what()};
  }
  // The key must be the certificate's: otherwise every handshake would fail later, obscurely.
  if (chain.front().subject_public_key()->subject_public_key() != key->subject_public_key()) {
    return Error{key_file.string() + ": this key does not belong to the certificate in " + chain_file.string()};
  }
  return std::unique_ptr<TlsServerContext>(new TlsServerContext(std::make_unique<State>(std::move(chain), std::move(key))));
}

struct TlsServerChannel::Impl final : ChannelState {
  std::string version, cipher, key_exchange;
  std::unique_ptr<Botan::TLS::Server> server;

  void tls_session_established(const Botan::TLS::Session_Summary& session) override {
    version = session.version().to_string();
    cipher = session.ciphersuite().to_string();
    key_exchange = key_exchange_of(session);
  }
};

TlsServerChannel::TlsServerChannel(TlsServerContext& context) : impl_(std::make_unique<Impl>()) {
  auto& s = context.state();
  try {
    impl_->server =
        std::make_unique<Botan::TLS::Server>(borrowed<Botan::TLS::Callbacks>(*impl_), s.sessions, s.credentials, s.policy, s.rng);
  } catch (const std::exception& e) {
    impl_->closed = true;
    impl_->alert = std::string("TLS server could not start: ") + e.what();
  }
}

TlsServerChannel::~TlsServerChannel() = default;

Status TlsServerChannel::received(std::span<const std::uint8_t> ciphertext) {
  return channel_received(impl_->server.get(), *impl_, ciphertext);
}

Status TlsServerChannel::send(std::span<const std::uint8_t> plaintext) {
  return channel_send(impl_->server.get(), *impl_, plaintext);
}

void TlsServerChannel::close() { channel_close(impl_->server.get()); }

std::string TlsServerChannel::take_output() { return std::exchange(impl_->output, {}); }
std::string TlsServerChannel::take_plaintext() { return std::exchange(impl_->plaintext, {}); }
bool TlsServerChannel::established() const { return impl_->established; }
bool TlsServerChannel::closed() const { return impl_->closed; }
std::string TlsServerChannel::version() const { return impl_->version; }
std::string TlsServerChannel::cipher() const { return impl_->cipher; }
std::string TlsServerChannel::key_exchange() const { return impl_->key_exchange; }

}  // namespace sealpost::tls
