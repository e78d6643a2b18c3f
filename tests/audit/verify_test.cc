// Tamper tests: each edit an attacker could make is detected and the right record is named.
#include "audit/verify.h"

#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "common/clock.h"
#include "tests/audit/test_util.h"

namespace gw::audit {
namespace {

using testing::JoinLines;
using testing::Lines;
using testing::ReadAll;
using testing::SampleRecord;
using testing::TempDir;
using testing::WriteAll;

constexpr char kSeg0[] = "audit-00000000000000000000.log";

// A log whose records are all signed (each appended durably, one per batch), in segments of
// about `segment_bytes`. Deterministic for a given clock, so two logs rotate at the same seqs.
std::string MakeSignedLog(const std::string& root, int records, int64_t segment_bytes) {
  auto cfg = testing::Config(root);
  cfg.segment_max_bytes = segment_bytes;
  FakeClock clock;
  OpenOptions opts;
  opts.clock = &clock;
  auto log = AuditLog::Open(cfg, opts);
  EXPECT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < records; ++i) {
    clock.Advance(Micros(1000));
    EXPECT_TRUE((*log)->AppendDurable(SampleRecord(i)).ok());
  }
  return cfg.dir;
}

VerifyFailure MustFail(const std::string& dir, std::string_view pem = {}) {
  auto rep = VerifyDir(dir, pem);
  EXPECT_TRUE(rep.ok()) << rep.status();
  if (!rep.ok() || rep->ok()) {
    ADD_FAILURE() << "verification passed but should have failed";
    return {};
  }
  return *rep->failure;
}

std::string Seg(const std::string& dir, const std::string& name) { return dir + "/" + name; }

// Replaces the first occurrence of `from` in line `idx` (0-based) of the segment.
void EditLine(const std::string& path, size_t idx, const std::string& from, const std::string& to) {
  auto lines = Lines(ReadAll(path));
  ASSERT_LT(idx, lines.size());
  size_t pos = lines[idx].find(from);
  ASSERT_NE(pos, std::string::npos) << lines[idx];
  lines[idx].replace(pos, from.size(), to);
  WriteAll(path, JoinLines(lines));
}

TEST(VerifyTest, IntactLogVerifiesWithPinnedKey) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  auto rep = VerifyDir(dir, ReadAll(dir + "/keys/ed25519.pub.pem"));
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_TRUE(rep->key_pinned);
  EXPECT_EQ(rep->records, 21);
  EXPECT_EQ(rep->last_seq, 20u);
  EXPECT_EQ(rep->head_hash.size(), 64u);
}

TEST(VerifyTest, FlipAByteInASignedRecord) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  EditLine(Seg(dir, kSeg0), 6, "\"user1\"", "\"user9\"");  // seq 6 is SampleRecord(5)
  auto f = MustFail(dir);
  EXPECT_EQ(f.segment, kSeg0);
  EXPECT_EQ(f.line, 7);
  EXPECT_EQ(f.seq, 6u);
  EXPECT_EQ(f.reason, "signature invalid");
}

TEST(VerifyTest, FlipAByteThatBreaksTheJson) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 10, 1 << 20);
  EditLine(Seg(dir, kSeg0), 4, "{\"body\"", "[\"body\"");
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 5);
  EXPECT_EQ(f.seq, 4u);
  EXPECT_EQ(f.reason, "not valid JSON");
}

TEST(VerifyTest, FlipAByteInAnUnsignedRecordNamesThatRecord) {
  TempDir tmp;
  auto cfg = testing::Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok());
    std::vector<std::future<StatusOr<uint64_t>>> futs;
    for (int i = 0; i < 500; ++i) futs.push_back((*log)->Append(SampleRecord(i)));
    for (auto& f : futs) ASSERT_TRUE(f.get().ok());
  }
  auto lines = Lines(ReadAll(Seg(cfg.dir, kSeg0)));
  size_t victim = 0;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    if (lines[i].find("\"sig\"") == std::string::npos) {
      victim = i;
      break;
    }
  }
  ASSERT_NE(victim, 0u) << "group commit put every record in its own batch";
  EditLine(Seg(cfg.dir, kSeg0), victim, "\"region\":\"eu-west-1\"", "\"region\":\"us-east-1\"");
  auto f = MustFail(cfg.dir);
  EXPECT_EQ(f.line, static_cast<int64_t>(victim) + 1);
  EXPECT_EQ(f.seq, static_cast<uint64_t>(victim));
  EXPECT_NE(f.reason.find("record altered"), std::string::npos) << f.reason;
}

TEST(VerifyTest, DeleteARecord) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  auto lines = Lines(ReadAll(Seg(dir, kSeg0)));
  lines.erase(lines.begin() + 10);  // seq 10
  WriteAll(Seg(dir, kSeg0), JoinLines(lines));
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 11);
  EXPECT_EQ(f.seq, 10u);
  EXPECT_EQ(f.reason, "expected seq 10, found 11: record seq 10 missing or out of order");
}

TEST(VerifyTest, DeleteARecordAndRenumberIsCaughtByTheChain) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  auto lines = Lines(ReadAll(Seg(dir, kSeg0)));
  lines.erase(lines.begin() + 19);  // the last-but-one record, seq 19
  WriteAll(Seg(dir, kSeg0), JoinLines(lines));
  // Renumbering seq 20 to 19 would also need a new signature and prev; without the key the
  // forger cannot produce them.
  EditLine(Seg(dir, kSeg0), 19, "\"seq\":20", "\"seq\":19");
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 20);
  EXPECT_EQ(f.seq, 19u);
  EXPECT_EQ(f.reason, "signature invalid");
}

TEST(VerifyTest, ReorderTwoRecords) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  auto lines = Lines(ReadAll(Seg(dir, kSeg0)));
  std::swap(lines[12], lines[13]);
  WriteAll(Seg(dir, kSeg0), JoinLines(lines));
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 13);
  EXPECT_EQ(f.seq, 12u);
  EXPECT_EQ(f.reason, "expected seq 12, found 13: record seq 12 missing or out of order");
}

TEST(VerifyTest, TruncateInTheMiddleOfTheLastSegment) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  std::string content = ReadAll(Seg(dir, kSeg0));
  auto lines = Lines(content);
  size_t cut = 0;
  for (int i = 0; i < 8; ++i) cut += lines[i].size() + 1;
  WriteAll(Seg(dir, kSeg0), content.substr(0, cut + lines[8].size() / 2));
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 9);
  EXPECT_EQ(f.seq, 8u);
  EXPECT_EQ(f.reason, "no newline at end: torn or truncated line");
}

TEST(VerifyTest, TruncateAnEarlierSegmentIsCaughtByTheNextHeader) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 60, 4000);
  auto segs = ListSegments(dir);
  ASSERT_TRUE(segs.ok());
  ASSERT_GE(segs->size(), 3u);
  // Cut segment 1 at a line boundary (drops its last records cleanly).
  auto lines = Lines(ReadAll(Seg(dir, (*segs)[1])));
  lines.resize(lines.size() - 2);
  WriteAll(Seg(dir, (*segs)[1]), JoinLines(lines));
  auto f = MustFail(dir);
  EXPECT_EQ(f.segment, (*segs)[2]);
  EXPECT_EQ(f.line, 1);
  EXPECT_NE(f.reason.find("header does not commit to the previous segment's last record"),
            std::string::npos)
      << f.reason;
}

TEST(VerifyTest, SpliceASegmentFromAnotherLog) {
  TempDir a, b;
  auto dir_a = MakeSignedLog(a.path(), 60, 4000);
  auto dir_b = MakeSignedLog(b.path(), 60, 4000);
  auto segs = ListSegments(dir_a);
  ASSERT_EQ(*segs, *ListSegments(dir_b));  // same workload, same rotation points
  ASSERT_GE(segs->size(), 3u);
  WriteAll(Seg(dir_a, (*segs)[1]), ReadAll(Seg(dir_b, (*segs)[1])));
  auto f = MustFail(dir_a);
  EXPECT_EQ(f.segment, (*segs)[1]);
  EXPECT_EQ(f.line, 1);
  EXPECT_EQ(f.reason,
            "header public_key differs from the verifying key (segment from another log?)");
}

TEST(VerifyTest, SpliceWithTheHeaderKeyRewrittenStillFails) {
  TempDir a, b;
  auto dir_a = MakeSignedLog(a.path(), 60, 4000);
  auto dir_b = MakeSignedLog(b.path(), 60, 4000);
  auto segs = ListSegments(dir_a);
  ASSERT_GE(segs->size(), 3u);
  // Keep log A's header line but take log B's records after it.
  auto la = Lines(ReadAll(Seg(dir_a, (*segs)[1])));
  auto lb = Lines(ReadAll(Seg(dir_b, (*segs)[1])));
  lb[0] = la[0];
  WriteAll(Seg(dir_a, (*segs)[1]), JoinLines(lb));
  auto f = MustFail(dir_a);
  EXPECT_EQ(f.segment, (*segs)[1]);
  EXPECT_EQ(f.line, 2);
  EXPECT_EQ(f.reason, "signature invalid");
}

TEST(VerifyTest, ReplaceASignature) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 20, 1 << 20);
  auto lines = Lines(ReadAll(Seg(dir, kSeg0)));
  auto sig_of = [](const std::string& l) {
    size_t p = l.find("\"sig\":\"");
    return l.substr(p + 7, 128);
  };
  const std::string other = sig_of(lines[8]);
  EditLine(Seg(dir, kSeg0), 7, sig_of(lines[7]), other);
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 8);
  EXPECT_EQ(f.seq, 7u);
  EXPECT_EQ(f.reason, "signature invalid");
  EXPECT_EQ(f.ToString(), "audit-00000000000000000000.log:8: seq 7: signature invalid");
}

TEST(VerifyTest, WrongPinnedKeyFailsAtTheFirstHeader) {
  TempDir a, b;
  auto dir_a = MakeSignedLog(a.path(), 3, 1 << 20);
  auto dir_b = MakeSignedLog(b.path(), 3, 1 << 20);
  auto f = MustFail(dir_a, ReadAll(dir_b + "/keys/ed25519.pub.pem"));
  EXPECT_EQ(f.line, 1);
  EXPECT_EQ(f.seq, 0u);
  EXPECT_EQ(f.reason,
            "header public_key differs from the verifying key (segment from another log?)");
}

TEST(VerifyTest, UnsignedTailIsReported) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 5, 1 << 20);
  // Strip the signature of the last record: now nothing covers it.
  auto lines = Lines(ReadAll(Seg(dir, kSeg0)));
  size_t p = lines[5].find(",\"sig\":\"");
  lines[5].erase(p, 8 + 128 + 1);
  WriteAll(Seg(dir, kSeg0), JoinLines(lines));
  auto f = MustFail(dir);
  EXPECT_EQ(f.line, 6);
  EXPECT_EQ(f.seq, 5u);
  EXPECT_EQ(f.reason,
            "record not covered by any signature (log truncated after it, or its batch never "
            "completed)");
}

TEST(VerifyTest, ErrorsAsStatus) {
  TempDir tmp;
  EXPECT_EQ(VerifyDir(tmp.path() + "/nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(VerifyDir(tmp.path()).status().code(), absl::StatusCode::kNotFound);
  auto dir = MakeSignedLog(tmp.path(), 1, 1 << 20);
  EXPECT_EQ(VerifyDir(dir, "not a pem").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(QueryTest, FiltersTailAndExport) {
  TempDir tmp;
  auto dir = MakeSignedLog(tmp.path(), 30, 1 << 20);
  QueryFilter f;
  f.adapter = "openai-eu";
  int n = 0;
  ASSERT_TRUE(Query(dir, f, [&](const ParsedRecord& r) {
                EXPECT_EQ(r.decision, "cloud");
                ++n;
                return true;
              }).ok());
  EXPECT_EQ(n, 10);
  f = QueryFilter{};
  f.principal = "user1";
  f.type = "route_decision";
  n = 0;
  ASSERT_TRUE(Query(dir, f, [&](const ParsedRecord&) { return ++n < 3; }).ok());
  EXPECT_EQ(n, 3);  // the sink stopped the stream
  // FakeClock starts at 1.7e15 us and each record is 1 ms later.
  f = QueryFilter{};
  f.since_us = 1'700'000'000'000'000 + 5'000;
  f.until_us = 1'700'000'000'000'000 + 10'000;
  n = 0;
  ASSERT_TRUE(Query(dir, f, [&](const ParsedRecord&) { return ++n, true; }).ok());
  EXPECT_EQ(n, 5);
  auto tail = Tail(dir, 3);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 3u);
  EXPECT_EQ((*tail)[2].seq, 30u);
  EXPECT_EQ(FormatExportLine((*tail)[2], ExportFormat::kJsonl), (*tail)[2].raw + "\n");
  std::string csv = FormatExportLine((*tail)[2], ExportFormat::kCsv);
  EXPECT_EQ(csv.rfind("30,1700000000030000,2023-11-14T22:13:20.030000Z,route_decision,req29,user1,,"
                      "local,\"{\"\"adapter\"\":\"\"\"\",",
                      0),
            0u)
      << csv;
}

}  // namespace
}  // namespace gw::audit
