// Helpers shared by the audit tests: temp dirs, configs, file edits.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "config/config.h"

namespace gw::audit::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gw-audit-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline config::AuditConfig Config(const std::string& dir) {
  config::AuditConfig c;
  c.dir = dir + "/audit";
  return c;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << data;
}

inline std::vector<std::string> Lines(const std::string& content) {
  std::vector<std::string> out;
  std::stringstream ss(content);
  std::string line;
  while (std::getline(ss, line)) out.push_back(line);
  return out;
}

inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

inline AuditRecord SampleRecord(int i) {
  RouteDecisionFields f;
  f.decision = i % 3 == 0 ? "cloud" : "local";
  f.adapter = i % 3 == 0 ? "openai-eu" : "";
  f.region = "eu-west-1";
  f.rule_ids = {"r" + std::to_string(i % 5)};
  f.reasons = {"complexity above threshold"};
  f.scores_ppm = {{"complexity", 100 * i}};
  return MakeRouteDecision(RequestId("req" + std::to_string(i)), "user" + std::to_string(i % 4), f);
}

}  // namespace gw::audit::testing
