// gatewayctl audit subcommands (cli/audit_cmd.cc) on a real log directory.
#include "cli/audit_cmd.h"

#include <gtest/gtest.h>

#include <sstream>

#include "audit/audit_log.h"
#include "common/clock.h"
#include "tests/audit/test_util.h"

namespace gw::cli {
namespace {

using gw::audit::testing::ReadAll;
using gw::audit::testing::TempDir;

class AuditCmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = gw::audit::testing::Config(tmp_.path());
    dir_ = cfg.dir;
    FakeClock clock;
    gw::audit::OpenOptions opts;
    opts.clock = &clock;
    auto log = gw::audit::AuditLog::Open(cfg, opts);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 12; ++i) {
      clock.Advance(Micros(1'000'000));
      ASSERT_TRUE((*log)->AppendDurable(gw::audit::testing::SampleRecord(i)).ok());
    }
    o_.dir = dir_;
  }
  int Run(int (*fn)(const AuditOptions&, std::ostream&, std::ostream&)) {
    out_.str("");
    err_.str("");
    return fn(o_, out_, err_);
  }
  TempDir tmp_;
  std::string dir_;
  AuditOptions o_;
  std::ostringstream out_, err_;
};

TEST_F(AuditCmdTest, VerifyOkAndPinned) {
  ASSERT_EQ(Run(RunAuditPubkey), 0);
  const std::string pem = out_.str();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  TempDir other;
  gw::audit::testing::WriteAll(other.path() + "/k.pem", pem);
  o_.public_key = other.path() + "/k.pem";
  ASSERT_EQ(Run(RunAuditVerify), 0) << err_.str();
  EXPECT_EQ(out_.str().rfind("audit verify OK: 13 records in 1 segment(s), seq 0..12, head ", 0),
            0u)
      << out_.str();
  EXPECT_EQ(out_.str().find("key not pinned"), std::string::npos);
}

TEST_F(AuditCmdTest, VerifyFailureNamesTheRecordAndExits1) {
  const std::string seg = dir_ + "/audit-00000000000000000000.log";
  auto lines = gw::audit::testing::Lines(ReadAll(seg));
  lines.erase(lines.begin() + 4);
  gw::audit::testing::WriteAll(seg, gw::audit::testing::JoinLines(lines));
  ASSERT_EQ(Run(RunAuditVerify), 1);
  EXPECT_EQ(err_.str(),
            "gatewayctl: audit verify FAILED at audit-00000000000000000000.log:5: seq 4: expected "
            "seq 4, found 5: record seq 4 missing or out of order (" +
                dir_ + ")\n");
}

TEST_F(AuditCmdTest, MissingDirAndBadArguments) {
  o_.dir = tmp_.path() + "/none";
  EXPECT_EQ(Run(RunAuditVerify), 1);
  EXPECT_EQ(err_.str().rfind("gatewayctl: ", 0), 0u);
  EXPECT_EQ(Run(RunAuditPubkey), 1);
  o_.dir = dir_;
  o_.since = "last tuesday";
  EXPECT_EQ(Run(RunAuditQuery), 1);
  EXPECT_NE(err_.str().find("bad time \"last tuesday\""), std::string::npos);
  o_.since.clear();
  o_.format = "xml";
  EXPECT_EQ(Run(RunAuditExport), 1);
  EXPECT_EQ(err_.str(), "gatewayctl: --format must be jsonl or csv\n");
}

TEST_F(AuditCmdTest, TailQueryExport) {
  o_.n = 2;
  ASSERT_EQ(Run(RunAuditTail), 0);
  EXPECT_EQ(gw::audit::testing::Lines(out_.str()).size(), 2u);
  EXPECT_NE(out_.str().find("seq=12 route_decision principal=user3 request=req11"),
            std::string::npos)
      << out_.str();
  o_.decision = "cloud";
  o_.json = true;
  ASSERT_EQ(Run(RunAuditQuery), 0);
  EXPECT_EQ(gw::audit::testing::Lines(out_.str()).size(), 4u);  // i = 0, 3, 6, 9
  // 1.7e15 us + (i+1) s: records 1..5 are before 2023-11-14T22:13:26Z.
  o_.decision.clear();
  o_.until = "2023-11-14T22:13:26Z";
  o_.type = "route_decision";
  ASSERT_EQ(Run(RunAuditQuery), 0);
  EXPECT_EQ(gw::audit::testing::Lines(out_.str()).size(), 5u);
  o_.until.clear();
  o_.format = "csv";
  o_.out = tmp_.path() + "/export.csv";
  ASSERT_EQ(Run(RunAuditExport), 0) << err_.str();
  auto csv = gw::audit::testing::Lines(ReadAll(o_.out));
  ASSERT_EQ(csv.size(), 13u);
  EXPECT_EQ(csv[0], "seq,ts_us,time,type,request_id,principal,adapter,decision,body");
  EXPECT_EQ(csv[1].rfind("1,1700000001000000,2023-11-14T22:13:21.000000Z,route_decision,req0,", 0),
            0u)
      << csv[1];
  o_.format = "jsonl";
  o_.out.clear();
  o_.type.clear();
  ASSERT_EQ(Run(RunAuditExport), 0);
  EXPECT_EQ(out_.str(), ReadAll(dir_ + "/audit-00000000000000000000.log"));
}

TEST(AuditCmdCli, ParsesTheCommandLine) {
  CLI::App app;
  AddAuditCommands(app);
  // Usage errors are rejected by CLI11 before any handler runs (handlers exit the process).
  EXPECT_THROW(app.parse("audit export /tmp/x", false), CLI::RequiredError);
  EXPECT_THROW(app.parse("audit export /tmp/x --format xml", false), CLI::ValidationError);
  EXPECT_THROW(app.parse("audit tail /tmp/x -n 0", false), CLI::ValidationError);
  EXPECT_THROW(app.parse("audit", false), CLI::RequiredError);
}

}  // namespace
}  // namespace gw::cli
