#include "cli/scan_cmd.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/policies/shared_data.h"

namespace gw::cli {
namespace {

std::filesystem::path WriteTemp(const std::string& name, const std::string& content) {
  auto p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

TEST(ScanCmd, PrintsTypesAndSpansButNotValues) {
  const auto p = WriteTemp("gw_scan_cmd.txt", "mail bob@example.com card 4111111111111111\n");
  std::ostringstream out, err;
  ASSERT_EQ(RunScan(ScanOptions{p.string(), "", false, false}, out, err), 0) << err.str();
  const std::string s = out.str();
  EXPECT_NE(s.find("EMAIL"), std::string::npos);
  EXPECT_NE(s.find("5..20"), std::string::npos);
  EXPECT_NE(s.find("credit_card"), std::string::npos);
  EXPECT_NE(s.find("data class: restricted"), std::string::npos);
  EXPECT_EQ(s.find("bob@example.com"), std::string::npos);
  EXPECT_EQ(s.find("4111111111111111"), std::string::npos);

  std::ostringstream out2;
  ASSERT_EQ(RunScan(ScanOptions{p.string(), "", true, false}, out2, err), 0);
  EXPECT_NE(out2.str().find("bob@example.com"), std::string::npos);
  std::filesystem::remove(p);
}

TEST(ScanCmd, UsesTheDetectorsOfAConfigFile) {
  const auto cfg = WriteTemp("gw_scan_cmd.yaml",
                             "policy:\n"
                             "  enabled: true\n"
                             "  detectors:\n"
                             "    builtin: [email]\n"
                             "    regexes:\n"
                             "      - {id: tickets, pattern: '\\bPRJ-[0-9]{4}\\b', finding_type: "
                             "TICKET, data_class: internal}\n"
                             "  rules:\n"
                             "    - {id: default, match: {}, action: local_only}\n");
  const auto p = WriteTemp("gw_scan_cmd2.txt", "PRJ-1234 bob@example.com 4111111111111111\n");
  std::ostringstream out, err;
  ASSERT_EQ(RunScan(ScanOptions{p.string(), cfg.string(), false, false}, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("TICKET"), std::string::npos);
  EXPECT_NE(out.str().find("tickets"), std::string::npos);
  EXPECT_EQ(out.str().find("CARD"), std::string::npos);  // credit_card not enabled
  EXPECT_NE(out.str().find("2 finding(s); data class: confidential"), std::string::npos);
  std::filesystem::remove(cfg);
  std::filesystem::remove(p);
}

TEST(ScanCmd, MissingFileFails) {
  std::ostringstream out, err;
  EXPECT_EQ(RunScan(ScanOptions{"/nonexistent/x.txt", "", false, false}, out, err), 1);
  EXPECT_EQ(err.str(), "gatewayctl scan: /nonexistent/x.txt: cannot read\n");
}

TEST(ScanCmd, EvalJsonShape) {
  const auto path = gw::policies::testing::SharedDir() / "data/pii/presidio_generated_small.json";
  GW_REQUIRE_SHARED_FILE(path);
  std::ostringstream out, err;
  ASSERT_EQ(RunScanEval(ScanEvalOptions{path.string(), true}, out, err), 0) << err.str();
  const auto j = nlohmann::json::parse(out.str());
  ASSERT_TRUE(j.contains("entities"));
  ASSERT_TRUE(j.contains("micro"));
  for (const char* k : {"precision", "recall", "f1", "support"}) {
    EXPECT_TRUE(j["micro"].contains(k)) << k;
    EXPECT_TRUE(j["entities"]["CREDIT_CARD"].contains(k)) << k;
  }
}

TEST(ScanCmd, EvalRejectsCorruptFile) {
  const auto p = WriteTemp("gw_scan_eval_bad.json", "[1]");
  std::ostringstream out, err;
  EXPECT_EQ(RunScanEval(ScanEvalOptions{p.string(), false}, out, err), 1);
  EXPECT_EQ(err.str(), "gatewayctl scan eval: " + p.string() + ": record 0: not an object\n");
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace gw::cli
