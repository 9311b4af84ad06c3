// Bounded depth-first path building from the leaf to an anchor (see chain_validator.h).
// Untrusted input: every certificate the server presented.
#include "tls/chain_validator.h"

#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include "tls/trust_store.h"

namespace sealpost::tls {
namespace {

constexpr std::string_view kServerAuth = "1.3.6.1.5.5.7.3.1";  // RFC 5280 §4.2.1.12 id-kp-serverAuth
constexpr std::string_view kAnyEku = "2.5.29.37.0";

struct Anchor {
  const Certificate* cert;
  const std::string* trustpoint;
};

class PathBuilder {
 public:
  PathBuilder(const std::vector<Certificate>& presented, const std::vector<Trustpoint>& trustpoints,
              std::chrono::system_clock::time_point at)
      : presented_(presented), at_(at) {
    for (const auto& tp : trustpoints) {
      for (const auto& c : tp.certificates) anchors_.push_back({&c, &tp.name});
    }
  }

  policy::ChainResult run() {
    path_.push_back(&presented_.front());
    if (extend()) return result_;
    return failure_.error.empty() ? fail("no trust anchor found", presented_.front()) : failure_;
  }

 private:
  // True when the path ends at an anchor and every check passes.
  bool extend() {
    const Certificate& cur = *path_.back();
    for (const Anchor& a : anchors_) {
      if (*a.cert == cur) return accept(a);
    }
    if (path_.size() >= kMaxPathLength) return note(fail("chain longer than 8 certificates", cur));
    bool issuer_seen = false;
    // Anchors first: a trusted issuer ends the path soonest.
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<const Certificate*> candidates;
      if (pass == 0) {
        for (const Anchor& a : anchors_) candidates.push_back(a.cert);
      } else {
        for (const auto& c : presented_) candidates.push_back(&c);
      }
      for (const Certificate* cand : candidates) {
        if (cand->botan().raw_subject_dn() != cur.botan().raw_issuer_dn() || in_path(*cand)) continue;
        issuer_seen = true;
        if (checks_ == kMaxSignatureChecks) return note(fail("too many candidate issuers", cur));
        ++checks_;
        if (!signed_by(cur, *cand)) continue;
        path_.push_back(cand);
        if (extend()) return true;
        path_.pop_back();
      }
    }
    if (!issuer_seen) {
      return note(fail(cur.is_self_signed() ? "self-signed certificate is not trusted"
                                            : "issuer not found among the presented certificates and trust anchors: " + cur.issuer(),
                       cur));
    }
    return note(fail("no issuer's signature verifies", cur));
  }

  // The path reached an anchor: check validity, CA constraints, key sizes on the whole path.
  bool accept(const Anchor& a) {
    for (std::size_t i = 0; i < path_.size(); ++i) {
      const Certificate& c = *path_[i];
      const Botan::X509_Certificate& b = c.botan();
      const Botan::X509_Time now(at_);
      if (b.not_before().cmp(now) > 0) return note(fail("certificate is not yet valid (from " + b.not_before().readable_string() + ")", c));
      if (b.not_after().cmp(now) < 0) return note(fail("certificate has expired (on " + b.not_after().readable_string() + ")", c));
      if (i > 0) {
        if (!b.is_CA_cert()) return note(fail("issuer is not a CA certificate (basic constraints or key usage)", c));
        if (i - 1 > b.path_limit()) return note(fail("path length constraint exceeded", c));
      }
      if (auto weak = weak_key(b); !weak.empty()) return note(fail(weak, c));
    }
    if (const auto& eku = presented_.front().botan().extended_key_usage(); !eku.empty()) {
      bool server = false;
      for (const auto& oid : eku) server = server || oid.to_string() == kServerAuth || oid.to_string() == kAnyEku;
      if (!server) return note(fail("certificate is not valid for TLS server use (extended key usage)", presented_.front()));
    }
    result_ = {.ok = true, .anchor = *a.trustpoint, .anchor_subject = a.cert->subject(), .error = {}, .error_subject = {}};
    return true;
  }

  static std::string weak_key(const Botan::X509_Certificate& b) {
    try {
      const auto key = b.load_subject_public_key();
      if ((key->algo_name() == "RSA" || key->algo_name() == "DSA") && key->key_length() < kMinRsaBits) {
        return "key too small: " + key->algo_name() + " " + std::to_string(key->key_length()) + " bits";
      }
    } catch (const std::exception& e) {
      return std::string("public key cannot be decoded: ") + e.what();
    }
    return {};
  }

  static bool signed_by(const Certificate& subject, const Certificate& issuer) {
    try {
      const auto key = issuer.botan().load_subject_public_key();
      // RFC 9155 / CA/B BR: MD5 and SHA-1 signatures no longer hold.
      const std::string alg = subject.botan().signature_algorithm().get_oid().to_formatted_string();
      if (alg.find("SHA-1") != std::string::npos || alg.find("SHA-160") != std::string::npos ||
          alg.find("MD5") != std::string::npos) {
        return false;
      }
      return subject.botan().check_signature(*key);
    } catch (const std::exception&) {
      return false;
    }
  }

  bool in_path(const Certificate& c) const {
    for (const Certificate* p : path_) {
      if (*p == c) return true;
    }
    return false;
  }

  static policy::ChainResult fail(std::string why, const Certificate& c) {
    return {.ok = false, .anchor = {}, .anchor_subject = {}, .error = std::move(why), .error_subject = c.subject()};
  }

  // Keeps the failure from the longest path tried: it explains the most.
  bool note(policy::ChainResult r) {
    if (failure_.error.empty() || path_.size() >= failure_depth_) {
      failure_ = std::move(r);
      failure_depth_ = path_.size();
    }
    return false;
  }

  const std::vector<Certificate>& presented_;
  std::chrono::system_clock::time_point at_;
  std::vector<Anchor> anchors_;
  std::vector<const Certificate*> path_;
  std::size_t checks_ = 0;
  policy::ChainResult result_;
  policy::ChainResult failure_;
  std::size_t failure_depth_ = 0;
};

}  // namespace

policy::ChainResult validate_chain(const std::vector<Certificate>& chain, const std::vector<Trustpoint>& trustpoints,
                                   std::chrono::system_clock::time_point at) {
  if (chain.empty()) return {.ok = false, .anchor = {}, .anchor_subject = {}, .error = "no certificate presented", .error_subject = {}};
  if (chain.size() > kMaxPresentedCertificates) {
    return {.ok = false, .anchor = {}, .anchor_subject = {}, .error = "more than 16 certificates presented",
            .error_subject = chain.front().subject()};
  }
  return PathBuilder(chain, trustpoints, at).run();
}

}  // namespace sealpost::tls
