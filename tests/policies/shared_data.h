// Locating ../shared reference data from tests (env GW_SHARED_DIR, else <source>/../shared).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace gw::policies::testing {

inline std::filesystem::path SharedDir() {
  if (const char* env = std::getenv("GW_SHARED_DIR"); env != nullptr && *env != '\0') return env;
  // This file is <source>/tests/policies/shared_data.h.
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path() /
         "shared";
}

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0';
}

}  // namespace gw::policies::testing

// Skips (locally) or fails (when env CI is set) the current test if `path` does not exist.
#define GW_REQUIRE_SHARED_FILE(path)                                                    \
  do {                                                                                  \
    if (!std::filesystem::exists(path)) {                                               \
      if (::gw::policies::testing::InCi()) FAIL() << "missing shared data: " << (path); \
      GTEST_SKIP() << "shared data not found: " << (path)                               \
                   << " (set GW_SHARED_DIR to the shared/ folder)";                     \
    }                                                                                   \
  } while (false)
