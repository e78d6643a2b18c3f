// gatewayctl model …: runs the built binary ($GW_BIN_DIR/cli/gatewayctl) on the reference model.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "tests/local_engine/test_data.h"

namespace {

struct Result {
  int code = -1;
  std::string out;  // stdout followed by stderr
};

Result RunCmd(const std::string& cmd) {
  Result r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// $GW_BIN_DIR/cli/gatewayctl, else the path CMake compiled in; "" when neither exists.
std::string Gatewayctl() {
  if (const char* dir = std::getenv("GW_BIN_DIR"); dir != nullptr) {
    std::filesystem::path p = std::filesystem::path(dir) / "cli" / "gatewayctl";
    if (std::filesystem::exists(p)) return p.string();
  }
#ifdef GW_GATEWAYCTL
  if (std::filesystem::exists(GW_GATEWAYCTL)) return GW_GATEWAYCTL;
#endif
  return "";
}

// `var` names a declared variable, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define REQUIRE_GATEWAYCTL(var)                                                      \
  std::string var = Gatewayctl();                                                    \
  if (var.empty()) {                                                                 \
    if (std::getenv("CI") != nullptr) FAIL() << "gatewayctl not built (GW_BIN_DIR)"; \
    GTEST_SKIP() << "gatewayctl not built (GW_BIN_DIR/cli/gatewayctl)";              \
  }
// NOLINTEND(bugprone-macro-parentheses)

TEST(ModelCmdTest, InfoTokenizeDetokenize) {
  REQUIRE_GATEWAYCTL(bin);
  GW_REQUIRE_SHARED(model, "testdata/engine/models/tiny-qwen2-q8_0.gguf");
  Result r = RunCmd(bin + " model info --json " + model);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"architecture\": \"qwen2\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"context_length\": 512"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"family\": \"chatml\""), std::string::npos) << r.out;

  r = RunCmd(bin + " model tokenize " + model + " 'Hello, world! My name is'");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[9707,11,1879,0,3017,829,374]\n");

  r = RunCmd("printf 'Hello, world!' | " + bin + " model tokenize " + model + " -");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[9707,11,1879,0]\n");

  r = RunCmd(bin + " model detokenize " + model + " '[9707, 11, 1879, 0]'");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "Hello, world!\n");
}

TEST(ModelCmdTest, Errors) {
  REQUIRE_GATEWAYCTL(bin);
  Result r = RunCmd(bin + " model info /nonexistent/x.gguf");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out,
            "gatewayctl: gguf: cannot open /nonexistent/x.gguf: No such file or directory\n");
  std::string bad = (std::filesystem::path(::testing::TempDir()) / "bad.gguf").string();
  RunCmd("printf 'GGML' > " + bad);
  r = RunCmd(bin + " model info " + bad);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "gatewayctl: gguf: magic at offset 0: expected \"GGUF\", found \"GGML\"\n");
  r = RunCmd(bin + " model detokenize " + bad + " 'one two'");
  EXPECT_EQ(r.code, 2);
}

}  // namespace
