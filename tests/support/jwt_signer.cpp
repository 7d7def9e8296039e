#include "support/jwt_signer.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>

#include "platform/util/crypto.h"

namespace hafnium::testing {

namespace {
std::string bn_bytes(const BIGNUM* bn, size_t pad_to = 0) {
  std::string out(std::max(static_cast<size_t>(BN_num_bytes(bn)), pad_to), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  return out;
}
}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JwtSigner::JwtSigner(Algorithm algorithm, std::string kid)
    : algorithm_(algorithm), kid_(std::move(kid)) {
  EVP_PKEY* key = algorithm == Algorithm::kRs256
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (!key) throw std::runtime_error("key generation failed");
  pkey_ = key;
}

JwtSigner::~JwtSigner() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

boost::json::object JwtSigner::public_jwk() const {
  auto* key = static_cast<EVP_PKEY*>(pkey_);
  boost::json::object jwk{{"kid", kid_}, {"use", "sig"}};
  if (algorithm_ == Algorithm::kRs256) {
    BIGNUM *n = nullptr, *e = nullptr;
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e);
    jwk["kty"] = "RSA";
    jwk["alg"] = "RS256";
    jwk["n"] = util::base64url_encode(bn_bytes(n));
    jwk["e"] = util::base64url_encode(bn_bytes(e));
    BN_free(n);
    BN_free(e);
  } else {
    BIGNUM *x = nullptr, *y = nullptr;
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x);
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
    jwk["kty"] = "EC";
    jwk["alg"] = "ES256";
    jwk["crv"] = "P-256";
    jwk["x"] = util::base64url_encode(bn_bytes(x, 32));
    jwk["y"] = util::base64url_encode(bn_bytes(y, 32));
    BN_free(x);
    BN_free(y);
  }
  return jwk;
}

std::string JwtSigner::sign(const boost::json::object& claims) const {
  boost::json::object header{{"alg", algorithm_ == Algorithm::kRs256 ? "RS256" : "ES256"},
                             {"typ", "JWT"},
                             {"kid", kid_}};
  std::string input = util::base64url_encode(boost::json::serialize(header)) + "." +
                      util::base64url_encode(boost::json::serialize(claims));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t length = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, static_cast<EVP_PKEY*>(pkey_));
  EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                 input.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  signature.resize(length);
  if (algorithm_ == Algorithm::kEs256) {
    // DER ECDSA-Sig-Value -> r||s, 32 bytes each (RFC 7518 §3.4).
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
    signature = bn_bytes(ECDSA_SIG_get0_r(sig), 32) + bn_bytes(ECDSA_SIG_get0_s(sig), 32);
    ECDSA_SIG_free(sig);
  }
  return input + "." + util::base64url_encode(signature);
}

std::string jwks_json(std::initializer_list<const JwtSigner*> signers) {
  boost::json::array keys;
  for (const auto* s : signers) keys.push_back(s->public_jwk());
  return boost::json::serialize(boost::json::object{{"keys", keys}});
}

boost::json::object standard_claims(const std::string& tenant, std::initializer_list<const char*> roles,
                                    const std::string& issuer, const std::string& audience) {
  boost::json::array role_array;
  for (const char* r : roles) role_array.push_back(boost::json::string(r));
  int64_t now = unix_now();
  return {{"iss", issuer}, {"aud", audience}, {"sub", "user-1"}, {"tenant", tenant},
          {"roles", role_array}, {"scope", "openid profile"}, {"iat", now}, {"nbf", now - 5},
          {"exp", now + 300}};
}

}  // namespace hafnium::testing
