#pragma once

#include <filesystem>
#include <string>

namespace hafnium::testing {

// A scratch store for one test, on SQLite (a file in a fresh temporary
// directory) or on the real PostgreSQL server `make test` starts (a fresh
// database on it, dropped afterwards). The PostgreSQL server is named by
// HAFNIUM_TEST_POSTGRES_URL (an admin URL to its `postgres` database).
class TempStore {
 public:
  explicit TempStore(const std::string& backend);  // "sqlite" or "postgresql"
  ~TempStore();
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  const std::string& url() const { return url_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool is_postgres() const { return postgres_; }

  // PostgreSQL only, as a server restart or an outage looks to clients:
  // ends every connection to this store's database (returning once their
  // backends have exited), and with `refuse_new` refuses new ones until
  // accept_connections().
  void end_connections(bool refuse_new = false) const;
  void accept_connections() const;

 private:
  std::string url_;
  std::filesystem::path dir_;
  bool postgres_ = false;
  std::string database_name_;
};

// True when a PostgreSQL server is configured for tests.
bool postgres_available();
// When PostgreSQL is not configured: skip, unless HAFNIUM_REQUIRE_POSTGRES=1
// (as `make test` sets), where it is a failure.
#define HAFNIUM_REQUIRE_BACKEND(backend)                                              \
  do {                                                                                \
    if ((backend) == std::string("postgresql") && !::hafnium::testing::postgres_available()) { \
      if (::hafnium::testing::postgres_required()) {                                  \
        FAIL() << "HAFNIUM_TEST_POSTGRES_URL is not set but PostgreSQL is required";  \
      }                                                                               \
      GTEST_SKIP() << "PostgreSQL not configured (HAFNIUM_TEST_POSTGRES_URL)";        \
    }                                                                                 \
  } while (0)
bool postgres_required();

// A fresh empty directory under the system temp dir, removed by the caller.
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace hafnium::testing
