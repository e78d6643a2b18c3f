#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "common/clock.h"
#include "common/ids.h"
#include "common/logging.h"
#include "common/secret.h"
#include "common/units.h"
#include "common/utf8.h"

namespace gw {
namespace {

struct Utf8Case {
  std::string bytes;
  size_t bad;  // npos = valid
};

TEST(Utf8Test, TableOfValidAndInvalidSequences) {
  const size_t ok = std::string_view::npos;
  const std::vector<Utf8Case> cases = {
      {"", ok},
      {"plain ascii text that is longer than eight bytes", ok},
      {"caf\xc3\xa9", ok},
      {"\xe6\x9d\xb1\xe4\xba\xac", ok},  // 東京
      {"\xf0\x9f\x9a\x80", ok},          // 🚀
      {"\xf4\x8f\xbf\xbf", ok},          // U+10FFFF
      {"ab\xc3\x28", 2},                 // bad continuation
      {"\xc0\xaf", 0},                   // overlong '/'
      {"\xe0\x80\xaf", 0},               // overlong 3-byte
      {"\xed\xa0\x80", 0},               // surrogate U+D800
      {"\xf4\x90\x80\x80", 0},           // > U+10FFFF
      {"12345678\xff", 8},               // invalid lead after the fast path
      {"\xe6\x9d", 0},                   // truncated
      {"x\x80", 1},                      // lone continuation
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FindInvalidUtf8(c.bytes), c.bad) << "case: " << ToHex(c.bytes);
  }
}

TEST(IdsTest, RequestIdsAreRandomHex) {
  const RequestId a = NewRequestId();
  const RequestId b = NewRequestId();
  EXPECT_EQ(a.str().size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.str().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(ToHex(std::string("\x00\xff\x10", 3)), "00ff10");
}

TEST(SecretTest, NeverPrintsItsValue) {
  Secret s("sk-very-secret");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<redacted>");
  EXPECT_TRUE(s.EqualsConstantTime("sk-very-secret"));
  EXPECT_FALSE(s.EqualsConstantTime("sk-very-secreT"));
  EXPECT_FALSE(s.EqualsConstantTime("sk"));
}

TEST(UnitsTest, StrongIntsAddAndCompare) {
  UsdMicros a(1'500'000);
  UsdMicros b(500'000);
  EXPECT_EQ((a + b).value(), 2'000'000);
  EXPECT_LT(b, a);
  FakeClock clock(Micros(100));
  clock.Advance(Micros(50));
  EXPECT_EQ(clock.NowUnixMicros().value(), 150);
}

// The JSON log line carries the request id and escapes the message.
TEST(LoggingTest, JsonLinesCarryRequestId) {
  char path[] = "/tmp/gwlogXXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const int saved = dup(2);
  dup2(fd, 2);
  log::InitLogging(log::Format::kJson, "info");
  log::Info("abc123", "hello \"world\" {}", 7);
  log::Debug("abc123", "not shown at info");
  log::Info("", "no request");
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  FILE* f = std::fopen(path, "r");
  ASSERT_NE(f, nullptr);
  char buf[4096] = {0};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  unlink(path);
  const std::string out(buf, n);
  EXPECT_NE(out.find("\"request_id\":\"abc123\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"msg\":\"hello \\\"world\\\" 7\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"request_id\":\"-\""), std::string::npos) << out;
  EXPECT_EQ(out.find("not shown"), std::string::npos) << out;
  log::InitLogging(log::Format::kText, "info");
}

}  // namespace
}  // namespace gw
