#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "platform/auth/api_keys.h"
#include "platform/auth/jwt.h"
#include "platform/auth/principal.h"
#include "platform/http/request.h"
#include "platform/store/database.h"

namespace hafnium::auth {

struct AuthOutcome {
  enum class Kind {
    kAnonymous,      // no credential presented
    kAuthenticated,  // principal is set
    kRejected,       // a credential was presented and is not valid: 401
    kNeedsBlocking,  // answerable only with I/O: call authenticate_blocking on a worker
  } kind = Kind::kAnonymous;
  Principal principal;
  std::string reason;
};

// Turns a request's credential into a Principal. API keys are checked
// against an in-memory snapshot of the active keys that a background thread
// re-reads every `refresh` (default 500 ms): a key created by the CLI on the
// same store is found at once through a store lookup on a snapshot miss, and
// a revoked key drops out of the next snapshot, so within a second.
class Authenticator {
 public:
  Authenticator(std::shared_ptr<store::Database> db, std::unique_ptr<JwtVerifier> jwt,
                std::chrono::milliseconds refresh = std::chrono::milliseconds(500));
  ~Authenticator();

  void start();
  void stop();

  // Non-blocking: memory only. Safe on I/O threads.
  AuthOutcome authenticate(const http::Request& request);
  // Blocking: may read the store or fetch a JWKS.
  AuthOutcome authenticate_blocking(const http::Request& request);

  // Re-reads keys and tenants now (tests and the refresher use it).
  void refresh();

 private:
  struct KeyEntry {
    ApiKeyRecord record;
    Principal principal;  // built once per snapshot, copied per request
    mutable std::atomic<int64_t> last_used{0};
    mutable std::atomic<int64_t> flushed_last_used{0};
  };
  using KeyMap = std::unordered_map<std::string, std::shared_ptr<KeyEntry>>;  // by hash
  using TenantMap = std::unordered_map<std::string, std::string>;            // name -> id

  static std::optional<std::string_view> extract_credential(const http::Request& request);
  AuthOutcome from_key_entry(const KeyEntry& entry);
  AuthOutcome from_jwt(std::string_view token, bool may_block);
  void refresher_loop();
  void flush_last_used(const KeyMap& keys);

  std::shared_ptr<store::Database> db_;
  std::unique_ptr<JwtVerifier> jwt_;
  std::chrono::milliseconds refresh_;

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const KeyMap> keys_;
  std::shared_ptr<const TenantMap> tenants_;
  // Keys found by a store lookup since the last snapshot (new keys).
  std::unordered_map<std::string, std::shared_ptr<KeyEntry>> recent_;

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace hafnium::auth
