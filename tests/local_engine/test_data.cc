#include "tests/local_engine/test_data.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace gw::engine::testing {

std::string SharedPath(const std::string& rel) {
  std::filesystem::path base;
  if (const char* env = std::getenv("GW_SHARED_DIR"); env != nullptr && *env != '\0') {
    base = env;
  } else {
    // tests/local_engine/test_data.cc -> <source>/../shared
    base = std::filesystem::path(__FILE__).parent_path() / ".." / ".." / ".." / "shared";
  }
  std::filesystem::path p = base / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return "";
  return std::filesystem::weakly_canonical(p, ec).string();
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace gw::engine::testing
