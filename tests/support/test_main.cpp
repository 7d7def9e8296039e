#include <gtest/gtest.h>

#include "platform/telemetry/logging.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  hafnium::telemetry::init_logging("warn");
  return RUN_ALL_TESTS();
}
