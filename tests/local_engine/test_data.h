// Locating the shared reference data (../shared/testdata/engine) for local_engine tests.
#pragma once

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace gw::engine::testing {

// The absolute path of `rel` under the shared directory (env GW_SHARED_DIR, else
// <source>/../shared), or "" when the file does not exist.
std::string SharedPath(const std::string& rel);

// Reads a whole file; "" when it cannot be read.
std::string ReadFileBytes(const std::string& path);

}  // namespace gw::engine::testing

// Declares `var` as the path of shared file `rel`; when it is missing, the test FAILS under env
// CI and is skipped otherwise.
#define GW_REQUIRE_SHARED(var, rel)                                                    \
  std::string var = ::gw::engine::testing::SharedPath(rel);                            \
  if (var.empty()) {                                                                   \
    if (std::getenv("CI") != nullptr) {                                                \
      FAIL() << "shared test data missing: " << (rel) << " (set GW_SHARED_DIR)";       \
    } else {                                                                           \
      GTEST_SKIP() << "shared test data missing: " << (rel) << " (set GW_SHARED_DIR)"; \
    }                                                                                  \
  }
