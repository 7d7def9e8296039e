#include "platform/auth/jwt.h"

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "platform/util/crypto.h"

namespace hafnium::auth {

struct JsonWebKeySet::Key {
  enum class Type { kRsa, kEc } type;
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

struct ParamBuilder {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  std::vector<BIGNUM*> numbers;
  ~ParamBuilder() {
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    for (auto* n : numbers) BN_free(n);
  }
};

std::string b64_field(const boost::json::object& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->value().is_string()) {
    throw std::invalid_argument(std::string("JWK is missing '") + name + "'");
  }
  auto decoded = util::base64url_decode(std::string_view(it->value().as_string()));
  if (!decoded || decoded->empty()) {
    throw std::invalid_argument(std::string("JWK field '") + name + "' is not base64url");
  }
  return *decoded;
}

EVP_PKEY* from_params(const char* type, ParamBuilder& pb) {
  pb.params = OSSL_PARAM_BLD_to_param(pb.bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  bool ok = ctx && pb.params && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, pb.params) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) throw std::invalid_argument(std::string("JWK is not a valid ") + type + " key");
  return pkey;
}

EVP_PKEY* rsa_key(const boost::json::object& jwk) {
  std::string n = b64_field(jwk, "n");
  std::string e = b64_field(jwk, "e");
  if (n.size() < 256) throw std::invalid_argument("RSA keys under 2048 bits are refused");
  ParamBuilder pb;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  pb.numbers = {bn_n, bn_e};
  OSSL_PARAM_BLD_push_BN(pb.bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(pb.bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  return from_params("RSA", pb);
}

EVP_PKEY* ec_key(const boost::json::object& jwk) {
  auto crv = jwk.find("crv");
  if (crv == jwk.end() || !crv->value().is_string() || crv->value().as_string() != "P-256") {
    throw std::invalid_argument("only EC keys on P-256 are supported");
  }
  std::string x = b64_field(jwk, "x");
  std::string y = b64_field(jwk, "y");
  if (x.size() != 32 || y.size() != 32) throw std::invalid_argument("P-256 coordinates must be 32 bytes");
  std::string point = "\x04" + x + y;
  ParamBuilder pb;
  OSSL_PARAM_BLD_push_utf8_string(pb.bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(pb.bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  return from_params("EC", pb);
}

bool digest_verify(EVP_PKEY* pkey, std::string_view input, const unsigned char* sig,
                   size_t sig_len) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, sig, sig_len,
                             reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

size_t curl_append(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * count > 1024 * 1024) return 0;  // a JWKS is small; refuse floods
  out->append(data, size * count);
  return size * count;
}

std::string fetch_url(const std::string& url) {
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl init failed");
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, curl_append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("JWKS fetch failed: ") + curl_easy_strerror(rc));
  if (status != 200) throw std::runtime_error("JWKS fetch returned HTTP " + std::to_string(status));
  return body;
}

std::vector<std::string> string_list(const boost::json::value* value) {
  std::vector<std::string> out;
  if (value == nullptr) return out;
  if (value->is_string()) {
    out.emplace_back(value->as_string());
  } else if (value->is_array()) {
    for (const auto& item : value->as_array()) {
      if (item.is_string()) out.emplace_back(item.as_string());
    }
  }
  return out;
}

std::optional<int64_t> numeric_claim(const boost::json::object& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->value().is_int64()) return it->value().as_int64();
  if (it->value().is_uint64()) return static_cast<int64_t>(it->value().as_uint64());
  if (it->value().is_double()) return static_cast<int64_t>(it->value().as_double());
  return std::nullopt;
}

}  // namespace

JsonWebKeySet::JsonWebKeySet() = default;
JsonWebKeySet::~JsonWebKeySet() = default;
JsonWebKeySet::JsonWebKeySet(JsonWebKeySet&&) noexcept = default;
JsonWebKeySet& JsonWebKeySet::operator=(JsonWebKeySet&&) noexcept = default;

JsonWebKeySet JsonWebKeySet::parse(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) throw std::invalid_argument("JWKS is not a JSON object");
  auto keys = value.as_object().find("keys");
  if (keys == value.as_object().end() || !keys->value().is_array()) {
    throw std::invalid_argument("JWKS has no 'keys' array");
  }
  JsonWebKeySet set;
  for (const auto& item : keys->value().as_array()) {
    if (!item.is_object()) continue;
    const auto& jwk = item.as_object();
    auto use = jwk.find("use");
    if (use != jwk.end() && use->value().is_string() && use->value().as_string() != "sig") continue;
    auto kid = jwk.find("kid");
    auto kty = jwk.find("kty");
    if (kid == jwk.end() || !kid->value().is_string() || kty == jwk.end() ||
        !kty->value().is_string()) {
      continue;
    }
    auto key = std::make_shared<Key>();
    std::string type(kty->value().as_string());
    if (type == "RSA") {
      key->type = Key::Type::kRsa;
      key->pkey = rsa_key(jwk);
    } else if (type == "EC") {
      key->type = Key::Type::kEc;
      key->pkey = ec_key(jwk);
    } else {
      continue;
    }
    set.keys_[std::string(kid->value().as_string())] = std::move(key);
  }
  return set;
}

bool JsonWebKeySet::contains(const std::string& kid) const { return keys_.contains(kid); }
size_t JsonWebKeySet::size() const { return keys_.size(); }
const JsonWebKeySet::Key* JsonWebKeySet::find(const std::string& kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : it->second.get();
}

bool verify_rs256(const JsonWebKeySet::Key& key, std::string_view signing_input,
                  std::string_view signature) {
  if (key.type != JsonWebKeySet::Key::Type::kRsa) return false;
  return digest_verify(key.pkey, signing_input,
                       reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

bool verify_es256(const JsonWebKeySet::Key& key, std::string_view signing_input,
                  std::string_view signature) {
  if (key.type != JsonWebKeySet::Key::Type::kEc || signature.size() != 64) return false;
  // JWS carries r||s (RFC 7518 §3.4); OpenSSL verifies DER-encoded signatures.
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  bool ok = der_len > 0 && digest_verify(key.pkey, signing_input, der, static_cast<size_t>(der_len));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return ok;
}

JwtVerifier::JwtVerifier(JwtOptions options) : options_(std::move(options)) {}
JwtVerifier::~JwtVerifier() = default;

bool JwtVerifier::looks_like_jwt(std::string_view credential) {
  size_t first = credential.find('.');
  if (first == std::string_view::npos) return false;
  size_t second = credential.find('.', first + 1);
  return second != std::string_view::npos && credential.find('.', second + 1) == std::string_view::npos;
}

void JwtVerifier::reload() {
  std::string text;
  if (!options_.jwks_file.empty()) {
    std::ifstream in(options_.jwks_file);
    if (!in) throw std::runtime_error("cannot read JWKS file " + options_.jwks_file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  } else if (!options_.jwks_url.empty()) {
    text = fetch_url(options_.jwks_url);
  } else {
    throw std::runtime_error("no JWKS source configured");
  }
  auto keys = std::make_shared<const JsonWebKeySet>(JsonWebKeySet::parse(text));
  std::lock_guard lock(mutex_);
  keys_ = std::move(keys);
  loaded_at_ = std::chrono::steady_clock::now();
}

JwtResult JwtVerifier::verify(std::string_view token, bool may_reload) {
  JwtResult result;
  auto fail = [&](JwtFailure failure, std::string reason) {
    result.failure = failure;
    result.reason = std::move(reason);
    return result;
  };
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return fail(JwtFailure::kMalformed, "token is not a JWS");
  auto header_text = util::base64url_decode(token.substr(0, dot1));
  auto payload_text = util::base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = util::base64url_decode(token.substr(dot2 + 1));
  if (!header_text || !payload_text || !signature) {
    return fail(JwtFailure::kMalformed, "token is not base64url");
  }
  boost::system::error_code ec;
  auto header = boost::json::parse(*header_text, ec);
  if (ec || !header.is_object()) return fail(JwtFailure::kMalformed, "token header is not JSON");
  auto payload = boost::json::parse(*payload_text, ec);
  if (ec || !payload.is_object()) return fail(JwtFailure::kMalformed, "token payload is not JSON");
  const auto& h = header.as_object();
  auto alg_it = h.find("alg");
  auto kid_it = h.find("kid");
  if (alg_it == h.end() || !alg_it->value().is_string()) return fail(JwtFailure::kMalformed, "token has no alg");
  std::string alg(alg_it->value().as_string());
  if (alg != "RS256" && alg != "ES256") return fail(JwtFailure::kBadSignature, "algorithm " + alg + " is not accepted");
  std::string kid = kid_it != h.end() && kid_it->value().is_string()
                        ? std::string(kid_it->value().as_string())
                        : std::string();

  std::shared_ptr<const JsonWebKeySet> keys;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
  }
  if (!keys || !keys->contains(kid)) {
    if (!may_reload) return fail(JwtFailure::kUnknownKey, "unknown signing key");
    bool stale;
    {
      std::lock_guard lock(mutex_);
      stale = !keys_ ||
              std::chrono::steady_clock::now() - loaded_at_ >= options_.min_reload_interval;
    }
    if (stale) {
      try {
        reload();
      } catch (const std::exception& error) {
        return fail(JwtFailure::kUnknownKey, std::string("signing keys unavailable: ") + error.what());
      }
    }
    std::lock_guard lock(mutex_);
    keys = keys_;
    if (!keys || !keys->contains(kid)) return fail(JwtFailure::kBadSignature, "unknown signing key");
  }
  const auto* key = keys->find(kid);
  std::string_view signing_input = token.substr(0, dot2);
  bool valid = alg == "RS256" ? verify_rs256(*key, signing_input, *signature)
                              : verify_es256(*key, signing_input, *signature);
  if (!valid) return fail(JwtFailure::kBadSignature, "signature does not verify");

  const auto& claims = payload.as_object();
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  int64_t leeway = options_.leeway.count();
  auto exp = numeric_claim(claims, "exp");
  if (!exp) return fail(JwtFailure::kClaims, "token has no exp");
  if (now > *exp + leeway) return fail(JwtFailure::kClaims, "token has expired");
  if (auto nbf = numeric_claim(claims, "nbf"); nbf && now + leeway < *nbf) {
    return fail(JwtFailure::kClaims, "token is not yet valid");
  }
  auto iss = claims.find("iss");
  if (!options_.issuer.empty() &&
      (iss == claims.end() || !iss->value().is_string() || iss->value().as_string() != options_.issuer)) {
    return fail(JwtFailure::kClaims, "token issuer is not trusted");
  }
  if (!options_.audience.empty()) {
    auto audiences = string_list(claims.if_contains("aud"));
    if (std::find(audiences.begin(), audiences.end(), options_.audience) == audiences.end()) {
      return fail(JwtFailure::kClaims, "token audience does not include this service");
    }
  }
  VerifiedToken verified;
  if (auto sub = claims.find("sub"); sub != claims.end() && sub->value().is_string()) {
    verified.subject = std::string(sub->value().as_string());
  } else {
    return fail(JwtFailure::kClaims, "token has no sub");
  }
  if (auto tenant = claims.find(options_.tenant_claim);
      tenant != claims.end() && tenant->value().is_string()) {
    verified.tenant = std::string(tenant->value().as_string());
  } else {
    return fail(JwtFailure::kClaims, "token has no " + options_.tenant_claim + " claim");
  }
  verified.roles = string_list(claims.if_contains("roles"));
  // Keycloak puts realm roles under realm_access.roles.
  if (const auto* realm = claims.if_contains("realm_access"); realm && realm->is_object()) {
    for (auto& role : string_list(realm->as_object().if_contains("roles"))) {
      verified.roles.push_back(std::move(role));
    }
  }
  if (auto scope = claims.find("scope"); scope != claims.end() && scope->value().is_string()) {
    std::string_view text = scope->value().as_string();
    size_t start = 0;
    while (start < text.size()) {
      size_t space = text.find(' ', start);
      if (space == std::string_view::npos) space = text.size();
      if (space > start) verified.scopes.emplace_back(text.substr(start, space - start));
      start = space + 1;
    }
  }
  if (auto jti = claims.find("jti"); jti != claims.end() && jti->value().is_string()) {
    verified.token_id = std::string(jti->value().as_string());
  }
  result.token = std::move(verified);
  return result;
}

}  // namespace hafnium::auth
