#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "platform/runtime/platform_schema.h"
#include "platform/store/database.h"
#include "platform/store/migrations.h"
#include "support/test_databases.h"

namespace hafnium::testing {

// Parameterised over "sqlite" and "postgresql": every storage test runs on
// both, against a fresh store with the platform schema.
class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND(GetParam());
    temp_ = std::make_unique<TempStore>(GetParam());
    db_ = store::Database::open(temp_->url(), 4);
    store::apply_migrations(*db_, "platform", runtime::platform_migrations());
  }
  void TearDown() override {
    db_.reset();
    temp_.reset();
  }

  std::unique_ptr<TempStore> temp_;
  std::shared_ptr<store::Database> db_;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

#define HAFNIUM_STORE_TEST_SUITE(suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values("sqlite", "postgresql"), \
                           ::hafnium::testing::backend_name)

}  // namespace hafnium::testing
