// Bounded depth-first path building from the leaf to an anchor, with backtracking (see
// chain_validator.h); each complete path is judged by check_path (path_checks.h).
// Untrusted input: every certificate the server presented.
#include "tls/chain_validator.h"

#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <algorithm>
#include <map>

#include "tls/name_constraints.h"
#include "tls/path_checks.h"
#include "tls/trust_store.h"

namespace sealpost::tls {
namespace {

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
    return failure_.error.empty() ? fail("no trust anchor found", 0) : failure_;
  }

 private:
  // True when the path ends at an anchor and every check passes.
  bool extend() {
    const Certificate& cur = *path_.back();
    for (const Anchor& a : anchors_) {
      if (*a.cert == cur) return complete(a);
    }
    if (path_.size() >= kMaxPathLength) return note(fail("chain longer than 8 certificates", path_.size() - 1));
    const auto candidates = issuers_of(cur);
    if (candidates.empty()) {
      return note(fail(cur.is_self_signed()
                           ? "self-signed certificate is not trusted"
                           : "issuer not found among the presented certificates and trust anchors: " + cur.issuer(),
                       path_.size() - 1));
    }
    bool any_signed = false;
    for (const Certificate* cand : candidates) {
      const auto sig = signed_by(cur, *cand);
      if (!sig) return note(fail("too many candidate issuers", path_.size() - 1));
      if (!*sig) continue;
      any_signed = true;
      path_.push_back(cand);
      const bool done = extend();
      path_.pop_back();
      if (done) return true;
      if (exhausted_) return false;
    }
    return any_signed ? false : note(fail("no issuer's signature verifies", path_.size() - 1));
  }

  bool complete(const Anchor& a) {
    std::vector<std::string> cns_outside;
    if (auto f = check_path(path_, at_, nc_budget_, cns_outside, *a.trustpoint == kSystemTrustpoint)) {
      return note(fail(std::move(f->why), f->depth));
    }
    result_ = {.ok = true,
               .anchor = *a.trustpoint,
               .anchor_subject = a.cert->subject(),
               .error = {},
               .error_subject = {},
               .error_depth = -1,
               .cns_outside_constraints = std::move(cns_outside)};
    return true;
  }

  // Every certificate named as `cur`'s issuer and not yet on the path, best first: anchors end the path soonest; the
  // one whose subjectKeyIdentifier the authorityKeyIdentifier names is the one the CA meant;
  // of the rest, those valid now, newest first (an expired and a renewed copy of one CA).
  std::vector<const Certificate*> issuers_of(const Certificate& cur) const {
    struct Ranked {
      const Certificate* cert;
      bool anchor, key_id, valid;
      std::string not_before;
    };
    std::vector<Ranked> ranked;
    const auto& aki = cur.botan().authority_key_id();
    const Botan::X509_Time now(at_);
    const auto add = [&](const Certificate& c, bool anchor) {
      const auto& b = c.botan();
      if (b.raw_subject_dn() != cur.botan().raw_issuer_dn() || in_path(c)) return;
      for (const auto& r : ranked) {
        if (*r.cert == c) return;
      }
      ranked.push_back({.cert = &c,
                        .anchor = anchor,
                        .key_id = !aki.empty() && aki == b.subject_key_id(),
                        .valid = b.not_before().cmp(now) <= 0 && b.not_after().cmp(now) >= 0,
                        .not_before = b.not_before().to_string()});
    };
    for (const Anchor& a : anchors_) add(*a.cert, true);
    for (const auto& c : presented_) add(c, false);
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
      if (x.anchor != y.anchor) return x.anchor;
      if (x.key_id != y.key_id) return x.key_id;
      if (x.valid != y.valid) return x.valid;
      return x.not_before > y.not_before;
    });
    std::vector<const Certificate*> out;
    for (const auto& r : ranked) out.push_back(r.cert);
    return out;
  }

  // Each (subject, issuer) pair is verified once per validation; nullopt once the budget is
  // spent. RFC 9155 / CA/B BR: MD5 and SHA-1 signatures no longer hold.
  std::optional<bool> signed_by(const Certificate& subject, const Certificate& issuer) {
    const auto key = std::pair{&subject, &issuer};
    if (auto it = signatures_.find(key); it != signatures_.end()) return it->second;
    if (signatures_.size() == kMaxSignatureChecks) {
      exhausted_ = true;
      return std::nullopt;
    }
    bool ok = false;
    try {
      const std::string alg = subject.botan().signature_algorithm().oid().to_formatted_string();
      // Botan 3's names: "RSA/PKCS1v15(SHA-1)", "ECDSA/SHA-1", "RSA/PKCS1v15(MD5)".
      const bool weak = alg.find("SHA-1") != std::string::npos || alg.find("MD5") != std::string::npos;
      ok = !weak && subject.botan().check_signature(*issuer.botan().subject_public_key());
    } catch (const std::exception&) {
      ok = false;
    }
    signatures_.emplace(key, ok);
    return ok;
  }

  bool in_path(const Certificate& c) const {
    return std::any_of(path_.begin(), path_.end(), [&](const Certificate* p) { return *p == c; });
  }

  policy::ChainResult fail(std::string why, std::size_t depth) const {
    const Certificate& c = depth < path_.size() ? *path_[depth] : presented_.front();
    return {.ok = false,
            .anchor = {},
            .anchor_subject = {},
            .error = std::move(why),
            .error_subject = c.subject(),
            .error_depth = static_cast<int>(depth)};
  }

  // Keeps the failure from the longest path tried: it explains the most.
  bool note(policy::ChainResult r) {
    if (failure_.error.empty() || path_.size() >= failure_length_) {
      failure_ = std::move(r);
      failure_length_ = path_.size();
    }
    return false;
  }

  const std::vector<Certificate>& presented_;
  std::chrono::system_clock::time_point at_;
  std::vector<Anchor> anchors_;
  std::vector<const Certificate*> path_;
  std::map<std::pair<const Certificate*, const Certificate*>, bool> signatures_;
  bool exhausted_ = false;
  std::size_t nc_budget_ = kMaxNameConstraintChecks;
  policy::ChainResult result_;
  policy::ChainResult failure_;
  std::size_t failure_length_ = 0;
};

}  // namespace

policy::ChainResult validate_chain(const std::vector<Certificate>& chain, const std::vector<Trustpoint>& trustpoints,
                                   std::chrono::system_clock::time_point at) {
  if (chain.empty())
    return {.ok = false, .anchor = {}, .anchor_subject = {}, .error = "no certificate presented", .error_subject = {}};
  if (chain.size() > kMaxPresentedCertificates) {
    return {.ok = false,
            .anchor = {},
            .anchor_subject = {},
            .error = "more than 16 certificates presented",
            .error_subject = chain.front().subject(),
            .error_depth = 0};
  }
  return PathBuilder(chain, trustpoints, at).run();
}

}  // namespace sealpost::tls
