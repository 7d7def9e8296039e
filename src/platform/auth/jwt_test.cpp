#include "platform/auth/jwt.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "platform/util/crypto.h"
#include "support/jwt_signer.h"
#include "support/test_databases.h"

namespace hafnium::auth {
namespace {

using testing::JwtSigner;

// RFC 7515 Appendix A.2 (RS256) and A.3 (ES256): published keys, signing
// input and signatures.
constexpr const char* kRfcSigningInputRs =
    "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
constexpr const char* kRfcSignatureRs =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
    "p0igcN_IoypGlUPQGe77Rw";
constexpr const char* kRfcRsaN =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0"
    "Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS"
    "5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH"
    "7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
constexpr const char* kRfcSigningInputEs =
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
constexpr const char* kRfcSignatureEs =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

JsonWebKeySet rfc_keys() {
  return JsonWebKeySet::parse(std::string(R"({"keys":[{"kty":"RSA","kid":"rsa","n":")") +
                              kRfcRsaN +
                              R"(","e":"AQAB"},{"kty":"EC","kid":"ec","crv":"P-256",)"
                              R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
                              R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})");
}

TEST(JwtPrimitives, VerifiesRfc7515PublishedSignatures) {
  auto keys = rfc_keys();
  ASSERT_EQ(keys.size(), 2u);
  auto rs = util::base64url_decode(kRfcSignatureRs).value();
  auto es = util::base64url_decode(kRfcSignatureEs).value();
  EXPECT_TRUE(verify_rs256(*keys.find("rsa"), kRfcSigningInputRs, rs));
  EXPECT_TRUE(verify_es256(*keys.find("ec"), kRfcSigningInputEs, es));
  // One flipped bit in the input or the signature fails.
  std::string tampered = kRfcSigningInputRs;
  tampered[5] ^= 1;
  EXPECT_FALSE(verify_rs256(*keys.find("rsa"), tampered, rs));
  es[10] ^= 1;
  EXPECT_FALSE(verify_es256(*keys.find("ec"), kRfcSigningInputEs, es));
  // Keys are bound to their algorithm.
  EXPECT_FALSE(verify_es256(*keys.find("rsa"), kRfcSigningInputEs, es));
}

TEST(JsonWebKeySet, RejectsMalformedSets) {
  EXPECT_THROW(JsonWebKeySet::parse("nope"), std::invalid_argument);
  EXPECT_THROW(JsonWebKeySet::parse(R"({"keys":{}})"), std::invalid_argument);
  EXPECT_THROW(JsonWebKeySet::parse(R"({"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]})"),
               std::invalid_argument);  // 24-bit modulus
  // Encryption keys and unknown key types are ignored, not errors.
  EXPECT_EQ(JsonWebKeySet::parse(R"({"keys":[{"kty":"oct","kid":"h","k":"AA"}]})").size(), 0u);
}

class JwtVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("jwks");
    write_jwks({&rsa_, &ec_});
    JwtOptions options;
    options.jwks_file = (dir_ / "jwks.json").string();
    options.issuer = "https://idp.test";
    options.audience = "hafnium";
    options.min_reload_interval = std::chrono::milliseconds(0);
    verifier_ = std::make_unique<JwtVerifier>(options);
    verifier_->reload();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write_jwks(std::initializer_list<const JwtSigner*> signers) {
    std::ofstream(dir_ / "jwks.json") << testing::jwks_json(signers);
  }

  std::filesystem::path dir_;
  JwtSigner rsa_{JwtSigner::Algorithm::kRs256, "rsa-1"};
  JwtSigner ec_{JwtSigner::Algorithm::kEs256, "ec-1"};
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST_F(JwtVerifierTest, AcceptsValidRs256AndEs256Tokens) {
  for (const JwtSigner* signer : {&rsa_, &ec_}) {
    auto result = verifier_->verify(signer->sign(testing::standard_claims("acme", {"analyst"})), false);
    ASSERT_TRUE(result.token) << result.reason;
    EXPECT_EQ(result.token->subject, "user-1");
    EXPECT_EQ(result.token->tenant, "acme");
    EXPECT_EQ(result.token->roles, std::vector<std::string>{"analyst"});
    EXPECT_EQ(result.token->scopes, (std::vector<std::string>{"openid", "profile"}));
  }
}

TEST_F(JwtVerifierTest, ReadsKeycloakRealmRoles) {
  auto claims = testing::standard_claims("acme", {});
  claims.erase("roles");
  claims["realm_access"] = boost::json::object{{"roles", boost::json::array{"mlro"}}};
  auto result = verifier_->verify(rsa_.sign(claims), false);
  ASSERT_TRUE(result.token);
  EXPECT_EQ(result.token->roles, std::vector<std::string>{"mlro"});
}

TEST_F(JwtVerifierTest, ChecksExpiryNotBeforeIssuerAndAudience) {
  auto expect_claims_failure = [&](boost::json::object claims, const std::string& reason) {
    auto result = verifier_->verify(rsa_.sign(claims), false);
    EXPECT_FALSE(result.token);
    EXPECT_EQ(result.failure, JwtFailure::kClaims) << reason;
    EXPECT_NE(result.reason.find(reason), std::string::npos) << result.reason;
  };
  auto claims = testing::standard_claims("acme", {"admin"});
  auto expired = claims;
  expired["exp"] = testing::unix_now() - 120;
  expect_claims_failure(expired, "expired");
  auto future = claims;
  future["nbf"] = testing::unix_now() + 120;
  expect_claims_failure(future, "not yet valid");
  auto issuer = claims;
  issuer["iss"] = "https://evil.test";
  expect_claims_failure(issuer, "issuer");
  auto audience = claims;
  audience["aud"] = boost::json::array{"other", "service"};
  expect_claims_failure(audience, "audience");
  auto no_exp = claims;
  no_exp.erase("exp");
  expect_claims_failure(no_exp, "no exp");
  auto no_tenant = claims;
  no_tenant.erase("tenant");
  expect_claims_failure(no_tenant, "tenant");
  // Within the leeway is fine.
  auto recent = claims;
  recent["exp"] = testing::unix_now() - 10;
  EXPECT_TRUE(verifier_->verify(rsa_.sign(recent), false).token);
  // An audience list that includes us is fine.
  auto list = claims;
  list["aud"] = boost::json::array{"other", "hafnium"};
  EXPECT_TRUE(verifier_->verify(rsa_.sign(list), false).token);
}

TEST_F(JwtVerifierTest, RejectsForgedAndAlgorithmConfusedTokens) {
  std::string token = rsa_.sign(testing::standard_claims("acme", {"admin"}));
  // Change the payload, keep the signature.
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  auto forged_claims = testing::standard_claims("acme", {"admin", "mlro"});
  std::string forged = token.substr(0, dot1 + 1) +
                       util::base64url_encode(boost::json::serialize(forged_claims)) +
                       token.substr(dot2);
  EXPECT_EQ(verifier_->verify(forged, false).failure, JwtFailure::kBadSignature);
  // alg "none" and HMAC are never accepted.
  std::string none = util::base64url_encode(R"({"alg":"none","kid":"rsa-1"})") + "." +
                     token.substr(dot1 + 1, dot2 - dot1 - 1) + ".";
  EXPECT_FALSE(verifier_->verify(none, false).token);
  std::string hs = util::base64url_encode(R"({"alg":"HS256","kid":"rsa-1"})") + token.substr(dot1);
  EXPECT_FALSE(verifier_->verify(hs, false).token);
  EXPECT_EQ(verifier_->verify("not.a.jwt", false).failure, JwtFailure::kMalformed);
}

TEST_F(JwtVerifierTest, RotatesKeysByKid) {
  JwtSigner next(JwtSigner::Algorithm::kEs256, "ec-2");
  std::string token = next.sign(testing::standard_claims("acme", {"admin"}));
  // Unknown kid: the non-blocking path asks for a reload instead of failing.
  EXPECT_EQ(verifier_->verify(token, false).failure, JwtFailure::kUnknownKey);
  // The provider publishes the new key and retires the old one.
  write_jwks({&next});
  EXPECT_TRUE(verifier_->verify(token, true).token);
  EXPECT_FALSE(verifier_->verify(rsa_.sign(testing::standard_claims("acme", {"admin"})), true).token);
}

}  // namespace
}  // namespace hafnium::auth
