#include "support/test_databases.h"

#include "platform/store/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <thread>
#include <stdexcept>

namespace hafnium::testing {

namespace {
std::string random_suffix() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 12; ++i) out.push_back(kChars[engine() % 36]);
  return out;
}

std::string admin_url() {
  const char* url = std::getenv("HAFNIUM_TEST_POSTGRES_URL");
  return url ? url : "";
}

// postgresql://user@host:port/postgres -> .../<name>
std::string with_database(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string params = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + params;
}
}  // namespace

bool postgres_available() { return !admin_url().empty(); }

bool postgres_required() {
  const char* flag = std::getenv("HAFNIUM_REQUIRE_POSTGRES");
  return flag && std::string(flag) == "1";
}

std::filesystem::path make_temp_dir(const std::string& prefix) {
  auto dir = std::filesystem::temp_directory_path() /
             ("hafnium-" + prefix + "-" + std::to_string(getpid()) + "-" + random_suffix());
  std::filesystem::create_directories(dir);
  return dir;
}

TempStore::TempStore(const std::string& backend) {
  dir_ = make_temp_dir("store");
  if (backend == "sqlite") {
    url_ = "sqlite://" + (dir_ / "test.db").string();
    return;
  }
  if (backend != "postgresql") throw std::invalid_argument("unknown backend " + backend);
  postgres_ = true;
  database_name_ = "hafnium_test_" + random_suffix();
  soci::session admin(*soci::factory_postgresql(), store::parse_store_url(admin_url()).connect_string);
  admin << "CREATE DATABASE " + database_name_;
  url_ = with_database(admin_url(), database_name_);
}

void TempStore::end_connections(bool refuse_new) const {
  if (!postgres_) throw std::logic_error("end_connections is for PostgreSQL stores");
  soci::session admin(*soci::factory_postgresql(), store::parse_store_url(admin_url()).connect_string);
  if (refuse_new) admin << "ALTER DATABASE " + database_name_ + " ALLOW_CONNECTIONS false";
  admin << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :d", soci::use(database_name_);
  for (int wait = 0; wait < 200; ++wait) {
    int others = 0;
    admin << "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = :d", soci::use(database_name_), soci::into(others);
    if (others == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  // A backend leaves pg_stat_activity just before its process exits and
  // its socket closes: give the exits time to finish.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

void TempStore::accept_connections() const {
  soci::session admin(*soci::factory_postgresql(), store::parse_store_url(admin_url()).connect_string);
  admin << "ALTER DATABASE " + database_name_ + " ALLOW_CONNECTIONS true";
}

TempStore::~TempStore() {
  if (postgres_) {
    try {
      soci::session admin(*soci::factory_postgresql(), store::parse_store_url(admin_url()).connect_string);
      admin << "DROP DATABASE IF EXISTS " + database_name_ + " WITH (FORCE)";
    } catch (const std::exception&) {
      // The server is going away with the test run; nothing to clean then.
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace hafnium::testing
