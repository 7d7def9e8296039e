#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hafnium::auth {

// Public keys of a JSON Web Key Set (RFC 7517), indexed by `kid`. Supports
// RSA (RS256) and EC P-256 (ES256) keys, the two algorithms Keycloak and
// most OIDC providers sign with.
class JsonWebKeySet {
 public:
  JsonWebKeySet();
  ~JsonWebKeySet();
  JsonWebKeySet(JsonWebKeySet&&) noexcept;
  JsonWebKeySet& operator=(JsonWebKeySet&&) noexcept;

  // Throws std::invalid_argument on malformed JSON or keys. Keys of other
  // types or uses are skipped.
  static JsonWebKeySet parse(std::string_view json);
  bool contains(const std::string& kid) const;
  size_t size() const;

  struct Key;
  const Key* find(const std::string& kid) const;

 private:
  std::map<std::string, std::shared_ptr<Key>> keys_;
};

struct JwtOptions {
  std::string jwks_file;  // one of file or URL
  std::string jwks_url;
  std::string issuer;     // required `iss`
  std::string audience;   // required in `aud`
  std::chrono::seconds leeway{30};
  std::string tenant_claim = "tenant";  // tenant name claim
  // Unknown kids come from attackers as well as from rotation: the key set
  // is re-read for one at most this often.
  std::chrono::milliseconds min_reload_interval{5000};
};

struct VerifiedToken {
  std::string subject;
  std::string tenant;  // the tenant claim's value (a tenant name)
  std::vector<std::string> roles;
  std::vector<std::string> scopes;
  std::string token_id;
};

enum class JwtFailure { kNone, kMalformed, kUnknownKey, kBadSignature, kClaims };

struct JwtResult {
  std::optional<VerifiedToken> token;
  JwtFailure failure = JwtFailure::kNone;
  std::string reason;
};

// Verifies OIDC access tokens: signature against the JWKS (key chosen by
// `kid`, so keys rotate by publishing a new kid), algorithm pinned to the key
// type (no "none", no HMAC), `iss`, `aud`, `exp` and `nbf` with leeway.
class JwtVerifier {
 public:
  explicit JwtVerifier(JwtOptions options);
  ~JwtVerifier();

  // `may_reload`: when the kid is unknown, re-read the JWKS (file or URL)
  // first. Reloading blocks, so the I/O path passes false and retries on the
  // worker pool when the result is kUnknownKey.
  JwtResult verify(std::string_view token, bool may_reload);
  // Re-reads the key set now; throws on failure.
  void reload();
  const JwtOptions& options() const { return options_; }

  static bool looks_like_jwt(std::string_view credential);

 private:
  JwtOptions options_;
  std::mutex mutex_;
  std::shared_ptr<const JsonWebKeySet> keys_;
  std::chrono::steady_clock::time_point loaded_at_{};
};

// Signature primitives, exposed for tests with published vectors.
bool verify_rs256(const JsonWebKeySet::Key& key, std::string_view signing_input,
                  std::string_view signature);
bool verify_es256(const JsonWebKeySet::Key& key, std::string_view signing_input,
                  std::string_view signature);

}  // namespace hafnium::auth
