// Crash test (issue 9): a child appends from 8 threads and reports every acknowledged record
// through a pipe; the parent SIGKILLs it at a random moment, reopens (recovery), verifies, and
// checks that every acknowledged record is present with the content that was appended.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "audit/audit_log.h"
#include "audit/verify.h"
#include "tests/audit/test_util.h"

namespace gw::audit {
namespace {

struct Ack {
  uint64_t seq;
  uint32_t thread;
  uint32_t index;
};

constexpr int kThreads = 8;
constexpr int kPerThread = 10'000;

[[noreturn]] void Child(const config::AuditConfig& cfg, int out_fd, int round) {
  auto log = AuditLog::Open(cfg);
  if (!log.ok()) {
    std::fprintf(stderr, "child open: %s\n", std::string(log.status().message()).c_str());
    _exit(2);
  }
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kPerThread; ++i) {
        AdminActionFields f;
        f.action = "crash_test";
        f.target = std::to_string(round);
        AuditRecord rec = MakeAdminAction(RequestId("r"), absl::StrCat("t", t, "-", i), f);
        (*log)->Append(rec, [out_fd, t, i](StatusOr<uint64_t> seq) {
          if (!seq.ok()) return;
          Ack a{*seq, t, i};
          // 16 bytes < PIPE_BUF: atomic; the callback runs on the writer thread.
          if (::write(out_fd, &a, sizeof(a)) != sizeof(a)) _exit(3);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  (void)(*log)->Flush();
  _exit(0);
}

TEST(AuditCrashTest, EveryAcknowledgedRecordSurvivesSigkill) {
  testing::TempDir tmp;
  auto cfg = testing::Config(tmp.path());
  cfg.segment_max_bytes = 1 << 20;  // several rotations per run
  std::mt19937 rng(20261121);
  std::map<uint64_t, std::string> acked;  // seq -> principal
  int killed = 0;
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      Child(cfg, fds[1], round);
    }
    ::close(fds[1]);
    // Kill after a random number of acknowledgements; the last round runs to completion.
    const size_t kill_after =
        round == kRounds - 1 ? SIZE_MAX : std::uniform_int_distribution<size_t>(1, 40'000)(rng);
    size_t got = 0;
    bool sent_kill = false;
    Ack a;
    std::string partial;
    for (;;) {
      char buf[4096];
      ssize_t n = ::read(fds[0], buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      partial.append(buf, static_cast<size_t>(n));
      size_t off = 0;
      for (; off + sizeof(Ack) <= partial.size(); off += sizeof(Ack)) {
        std::memcpy(&a, partial.data() + off, sizeof(Ack));
        acked[a.seq] = absl::StrCat("t", a.thread, "-", a.index);
        if (++got >= kill_after && !sent_kill) {
          ::kill(pid, SIGKILL);
          sent_kill = true;
        }
      }
      partial.erase(0, off);
    }
    ::close(fds[0]);
    int wstatus = 0;
    ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
    if (sent_kill && WIFSIGNALED(wstatus)) ++killed;
    if (!sent_kill) ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
    // Restart: recovery truncates a torn line, checks the tail and re-signs an unsigned tail.
    auto log = AuditLog::Open(cfg);
    ASSERT_TRUE(log.ok()) << "round " << round << ": " << log.status();
  }
  // The whole log verifies against the exported key and holds every acknowledged record.
  auto rep = VerifyDir(cfg.dir, testing::ReadAll(cfg.dir + "/keys/ed25519.pub.pem"));
  ASSERT_TRUE(rep.ok()) << rep.status();
  ASSERT_TRUE(rep->ok()) << rep->failure->ToString();
  std::map<uint64_t, std::string> present;
  ASSERT_TRUE(Query(cfg.dir, QueryFilter{}, [&](const ParsedRecord& r) {
                if (r.type == "admin_action") present[r.seq] = r.principal;
                return true;
              }).ok());
  for (const auto& [seq, principal] : acked) {
    auto it = present.find(seq);
    ASSERT_NE(it, present.end()) << "acknowledged seq " << seq << " missing";
    ASSERT_EQ(it->second, principal) << "seq " << seq;
  }
  EXPECT_EQ(killed, kRounds - 1);
  EXPECT_GE(acked.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace gw::audit
