#include "audit/audit_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <set>
#include <thread>

#include "audit/internal/crypto.h"
#include "audit/verify.h"
#include "common/clock.h"
#include "tests/audit/test_util.h"

namespace gw::audit {
namespace {

using testing::Config;
using testing::SampleRecord;
using testing::TempDir;

int Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

std::vector<ParsedRecord> All(const std::string& dir) {
  std::vector<ParsedRecord> out;
  EXPECT_TRUE(Query(dir, QueryFilter{}, [&](const ParsedRecord& r) {
                out.push_back(r);
                return true;
              }).ok());
  return out;
}

TEST(AuditLogTest, OpenCreatesKeysAndSignedHeader) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  auto log = AuditLog::Open(cfg);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(Mode(cfg.dir + "/keys"), 0700);
  EXPECT_EQ(Mode(cfg.dir + "/keys/ed25519.pem"), 0600);
  EXPECT_EQ(Mode(cfg.dir + "/keys/content_hmac.key"), 0600);
  EXPECT_EQ((*log)->PublicKeyPem().rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_EQ(testing::ReadAll(cfg.dir + "/keys/ed25519.pub.pem"), (*log)->PublicKeyPem());
  AuditStatus st = (*log)->Health();
  EXPECT_TRUE(st.writable);
  EXPECT_EQ(st.next_seq, 1u);
  EXPECT_EQ(st.segment, "audit-00000000000000000000.log");
  log->reset();
  auto rep = VerifyDir(cfg.dir, testing::ReadAll(cfg.dir + "/keys/ed25519.pub.pem"));
  ASSERT_TRUE(rep.ok()) << rep.status();
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_TRUE(rep->key_pinned);
  EXPECT_EQ(rep->records, 1);
}

TEST(AuditLogTest, OpenWithoutDirIsInvalidArgument) {
  config::AuditConfig cfg;
  auto log = AuditLog::Open(cfg);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AuditLogTest, AppendsAreOrderedDurableAndVerify) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok()) << log.status();
    std::vector<std::future<StatusOr<uint64_t>>> futs;
    for (int i = 0; i < 100; ++i) futs.push_back((*log)->Append(SampleRecord(i)));
    uint64_t prev = 0;
    for (auto& f : futs) {
      auto seq = f.get();
      ASSERT_TRUE(seq.ok()) << seq.status();
      EXPECT_GT(*seq, prev);
      prev = *seq;
    }
    EgressFields e;
    e.adapter = "openai-eu";
    e.host = "api.openai.com";
    e.bytes_sent = 1234;
    e.payload_sha256_hex = Sha256Hex("payload");
    auto seq = (*log)->AppendDurable(MakeEgress(RequestId("req-e"), "alice", e));
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, 101u);
    // Durable means on disk now, before any flush or close.
    auto records = All(cfg.dir);
    ASSERT_EQ(records.size(), 102u);
    EXPECT_EQ(records.back().type, "egress");
    EXPECT_EQ(records.back().adapter, "openai-eu");
    EXPECT_FALSE(records.back().sig.empty());
  }
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_EQ(rep->records, 102);
  EXPECT_EQ(rep->last_seq, 101u);
  EXPECT_FALSE(rep->key_pinned);
}

TEST(AuditLogTest, ConcurrentWritersGetUniqueSeqs) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  auto log = AuditLog::Open(cfg);
  ASSERT_TRUE(log.ok());
  std::mutex mu;
  std::set<uint64_t> seqs;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        (*log)->Append(SampleRecord(t * 1000 + i), [&](StatusOr<uint64_t> s) {
          ASSERT_TRUE(s.ok());
          std::lock_guard<std::mutex> l(mu);
          seqs.insert(*s);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE((*log)->Flush().ok());
  EXPECT_EQ(seqs.size(), 2400u);
  AuditStatus st = (*log)->Health();
  EXPECT_GE(st.batches, 1);
  EXPECT_LT(st.batches, 2400);  // group commit batched at least some records
  EXPECT_EQ(st.next_seq, 2401u);
  log->reset();
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_EQ(rep->records, 2401);
}

TEST(AuditLogTest, RefusesKeyReadableByOthers) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  ASSERT_TRUE(AuditLog::Open(cfg).ok());
  ASSERT_EQ(::chmod((cfg.dir + "/keys/ed25519.pem").c_str(), 0644), 0);
  auto log = AuditLog::Open(cfg);
  ASSERT_EQ(log.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(log.status().message().find("accessible by group or others"), std::string::npos);
}

TEST(AuditLogTest, TornLastLineIsTruncatedAndRecorded) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->AppendDurable(SampleRecord(i)).ok());
  }
  const std::string seg = cfg.dir + "/audit-00000000000000000000.log";
  const std::string torn = "{\"body\":{\"decision\":\"clo";
  testing::WriteAll(seg, testing::ReadAll(seg) + torn);
  auto before = VerifyDir(cfg.dir);
  ASSERT_TRUE(before.ok());
  ASSERT_FALSE(before->ok());
  EXPECT_EQ(before->failure->line, 12);
  EXPECT_EQ(before->failure->reason, "no newline at end: torn or truncated line");
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_EQ((*log)->Health().next_seq, 12u);
  }
  auto recs = All(cfg.dir);
  ASSERT_EQ(recs.size(), 12u);
  EXPECT_EQ(recs.back().type, "recovery");
  EXPECT_NE(recs.back().body_json.find("\"truncated_bytes\":" + std::to_string(torn.size())),
            std::string::npos)
      << recs.back().body_json;
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
}

TEST(AuditLogTest, EmptySegmentLeftByACrashDuringRotationIsRemoved) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->AppendDurable(SampleRecord(1)).ok());
  }
  const std::string next = cfg.dir + "/audit-00000000000000000002.log";
  testing::WriteAll(next, "");
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_EQ((*log)->Health().segment, "audit-00000000000000000000.log");
    ASSERT_TRUE((*log)->AppendDurable(SampleRecord(2)).ok());
  }
  EXPECT_EQ(ListSegments(cfg.dir)->size(), 1u);
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_EQ(rep->records, 3);
}

TEST(AuditLogTest, UnsignedTailIsCoveredByARecoveryRecord) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*log)->AppendDurable(SampleRecord(i)).ok());
  }
  // As if the process died after writing the first records of a batch but not its last one.
  const std::string seg = cfg.dir + "/audit-00000000000000000000.log";
  auto lines = testing::Lines(testing::ReadAll(seg));
  size_t p = lines[3].find(",\"sig\":\"");
  lines[3].erase(p, 8 + 128 + 1);
  testing::WriteAll(seg, testing::JoinLines(lines));
  ASSERT_FALSE(VerifyDir(cfg.dir)->ok());
  ASSERT_TRUE(AuditLog::Open(cfg).ok());
  auto recs = All(cfg.dir);
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[4].type, "recovery");
  EXPECT_NE(recs[4].body_json.find("\"unsigned_records\":1"), std::string::npos);
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
}

TEST(AuditLogTest, CorruptTailRefusesToOpenWithDataLoss) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*log)->AppendDurable(SampleRecord(i)).ok());
  }
  const std::string seg = cfg.dir + "/audit-00000000000000000000.log";
  auto lines = testing::Lines(testing::ReadAll(seg));
  lines.erase(lines.begin() + 2);
  testing::WriteAll(seg, testing::JoinLines(lines));
  auto log = AuditLog::Open(cfg);
  ASSERT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(log.status().message().find("audit-00000000000000000000.log:3: seq 2"),
            std::string::npos)
      << log.status();
}

TEST(AuditLogTest, RotatesBySizeAndReopensAcrossSegments) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  cfg.segment_max_bytes = 3000;
  for (int round = 0; round < 2; ++round) {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok()) << log.status();
    for (int i = 0; i < 40; ++i) ASSERT_TRUE((*log)->AppendDurable(SampleRecord(i)).ok());
  }
  auto segs = ListSegments(cfg.dir);
  ASSERT_TRUE(segs.ok());
  EXPECT_GT(segs->size(), 4u);
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_EQ(rep->segments, static_cast<int64_t>(segs->size()));
  EXPECT_EQ(rep->records, 81 + rep->segments - 1);
}

TEST(AuditLogTest, RotatesByAgeAndAppliesRetention) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  cfg.segment_max_age = Micros(3600LL * 1'000'000);
  cfg.checkpoint_interval = Micros(60'000'000);
  cfg.retention_days = 1;
  FakeClock clock;
  OpenOptions opts;
  opts.clock = &clock;
  auto log = AuditLog::Open(cfg, opts);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(1)).ok());
  clock.Advance(Micros(61'000'000));
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(2)).ok());  // with a checkpoint
  clock.Advance(Micros(3600LL * 1'000'000));
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(3)).ok());  // second segment
  EXPECT_EQ(ListSegments(cfg.dir)->size(), 2u);
  clock.Advance(Micros(2 * 86'400LL * 1'000'000));
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(4)).ok());  // third; the first is expired
  log->reset();
  auto segs = ListSegments(cfg.dir);
  ASSERT_EQ(segs->size(), 2u);
  EXPECT_NE((*segs)[0], "audit-00000000000000000000.log");
  int retention = 0;
  for (const auto& r : All(cfg.dir)) {
    retention += r.type == "retention";
    if (r.type == "retention") {
      EXPECT_NE(r.body_json.find("audit-00000000000000000000.log"), std::string::npos);
    }
  }
  EXPECT_EQ(retention, 1);
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
  EXPECT_GT(rep->first_seq, 0u);
}

TEST(AuditLogTest, CheckpointSignsTheHeadAfterTheInterval) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  cfg.checkpoint_interval = Micros(60'000'000);
  FakeClock clock;
  OpenOptions opts;
  opts.clock = &clock;
  auto log = AuditLog::Open(cfg, opts);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(1)).ok());
  clock.Advance(Micros(61'000'000));
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(2)).ok());
  log->reset();
  auto recs = All(cfg.dir);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[3].type, "checkpoint");
  EXPECT_FALSE(recs[3].sig.empty());
  EXPECT_NE(recs[3].body_json.find("\"records_since_checkpoint\":2"), std::string::npos)
      << recs[3].body_json;
}

TEST(AuditLogTest, ContentCaptureModes) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  {
    auto log = AuditLog::Open(cfg);  // digest is the default
    ASSERT_TRUE(log.ok());
    auto a = (*log)->CaptureContent("the same prompt");
    auto b = (*log)->CaptureContent("the same prompt");
    auto c = (*log)->CaptureContent("another prompt");
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    ASSERT_TRUE(a->has_value());
    EXPECT_EQ((*a)->digest_hex.size(), 64u);
    EXPECT_EQ((*a)->digest_hex, (*b)->digest_hex);
    EXPECT_NE((*a)->digest_hex, (*c)->digest_hex);
    EXPECT_NE((*a)->digest_hex, Sha256Hex("the same prompt"));  // keyed, not a bare hash
  }
  cfg.content_capture = config::ContentCapture::kNone;
  {
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok());
    auto a = (*log)->CaptureContent("x");
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->has_value());
  }
  cfg.content_capture = config::ContentCapture::kEncrypted;
  cfg.encryption_key = Secret("00112233");
  EXPECT_EQ(AuditLog::Open(cfg).status().code(), absl::StatusCode::kInvalidArgument);
  const std::string key_hex(64, 'a');
  cfg.encryption_key = Secret(key_hex);
  auto log = AuditLog::Open(cfg);
  ASSERT_TRUE(log.ok()) << log.status();
  auto enc = (*log)->CaptureContent("secret prompt text");
  ASSERT_TRUE(enc.ok());
  ASSERT_TRUE(enc->has_value());
  EXPECT_TRUE((*enc)->digest_hex.empty());
  EXPECT_EQ((*enc)->nonce_hex.size(), 24u);
  // Round trip with the configured key (what an authorised auditor does).
  std::string key, nonce, ct, pt;
  ASSERT_TRUE(internal::HexDecode(key_hex, &key));
  ASSERT_TRUE(internal::HexDecode((*enc)->nonce_hex, &nonce));
  ASSERT_TRUE(internal::Base64Decode((*enc)->ciphertext_b64, &ct));
  ASSERT_TRUE(internal::Aes256GcmDecrypt(key, nonce, ct, "gw-audit-content-v1", &pt).ok());
  EXPECT_EQ(pt, "secret prompt text");
  ct[0] ^= 1;
  EXPECT_FALSE(internal::Aes256GcmDecrypt(key, nonce, ct, "gw-audit-content-v1", &pt).ok());
}

// Fail closed on a real write error: RLIMIT_FSIZE makes write(2) fail with EFBIG (root-proof,
// unlike permission bits), then lifting it lets the writer recover.
TEST(AuditLogTest, FailsClosedOnWriteErrorAndRecovers) {
  TempDir tmp;
  auto cfg = Config(tmp.path());
  OpenOptions opts;
  opts.retry_interval = Micros(3600LL * 1'000'000);  // only explicit retries in this test
  auto log = AuditLog::Open(cfg, opts);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(1)).ok());
  const std::string seg = cfg.dir + "/" + (*log)->Health().segment;
  const off_t size = static_cast<off_t>(testing::ReadAll(seg).size());

  struct sigaction ign = {}, old = {};
  ign.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ign, &old), 0);
  struct rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit lim = saved;
  lim.rlim_cur = static_cast<rlim_t>(size + 50);  // room for part of a line: a torn write
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);

  auto r = (*log)->AppendDurable(SampleRecord(2));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "audit log unwritable: write: File too large");
  AuditStatus st = (*log)->Health();
  EXPECT_FALSE(st.writable);
  EXPECT_EQ(st.reason, "audit log unwritable: write: File too large");
  EXPECT_EQ(st.failures, 1);
  // Later appends are refused at once, group-committed or durable.
  auto f = (*log)->Append(SampleRecord(3));
  EXPECT_EQ(f.get().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*log)->RetryNow().code(), absl::StatusCode::kUnavailable);
  // The failed batch was rolled back: nothing half-written is left.
  EXPECT_EQ(static_cast<off_t>(testing::ReadAll(seg).size()), size);

  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  ASSERT_EQ(::sigaction(SIGXFSZ, &old, nullptr), 0);
  EXPECT_TRUE((*log)->RetryNow().ok());
  EXPECT_TRUE((*log)->Writable());
  EXPECT_EQ((*log)->Health().recoveries, 1);
  ASSERT_TRUE((*log)->AppendDurable(SampleRecord(4)).ok());
  log->reset();
  auto recs = All(cfg.dir);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[2].type, "fail_closed");
  EXPECT_NE(recs[2].body_json.find("\"state\":\"recovered\""), std::string::npos);
  EXPECT_EQ(recs[3].principal, "user0");
  auto rep = VerifyDir(cfg.dir);
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->ok()) << rep->failure->ToString();
}

}  // namespace
}  // namespace gw::audit
