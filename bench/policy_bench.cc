// policy_bench: latency of the consent check and of budget reserve+settle, and reservation
// throughput under 8 concurrent callers, on the SQLite store (WAL, synchronous=FULL).
//
//   policy_bench [--dir DIR] [--iters N]
// DIR (default: a new directory under $TMPDIR or /tmp) decides the filesystem measured: every
// commit is an fsync, so tmpfs and a real disk differ by orders of magnitude. Prints figures; not
// a CTest.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "policies/budget.h"
#include "policies/consent.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace pol = gw::policies;

double Us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

void Report(const char* name, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto pct = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
  std::printf("%-34s n=%-6zu p50=%9.1f us  p99=%9.1f us  max=%9.1f us\n", name, v.size(), pct(0.50),
              pct(0.99), v.back());
}

[[noreturn]] void Die(const gw::Status& s) {
  std::fprintf(stderr, "policy_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  gw::log::InitLogging(gw::log::Format::kText, "error");
  std::string dir;
  int iters = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
    if (std::strcmp(argv[i], "--iters") == 0) iters = std::atoi(argv[i + 1]);
  }
  bool made = false;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr ? tmp : "/tmp") + "/policy_bench_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) return 1;
    dir = tmpl;
    made = true;
  }
  std::printf("policy_bench: store %s/policy.db (SQLite WAL, synchronous=FULL), %d iterations\n",
              dir.c_str(), iters);
  auto store_or = pol::OpenSqlitePolicyStore(dir + "/policy.db");
  if (!store_or.ok()) Die(store_or.status());
  auto& store = **store_or;
  auto key = pol::LoadOrCreateConsentKey(dir + "/consent.key");
  if (!key.ok()) Die(key.status());
  gw::SystemClock& clock = gw::SystemClock::Get();

  // ---- consent check: 50 active grants of the principal, the covering one among them.
  pol::ConsentManager consent(store, *key, clock, nullptr);
  gw::config::ConsentConfig ccfg;
  if (auto s = consent.SetConfig(ccfg, {"public", "internal", "confidential", "restricted"});
      !s.ok()) {
    Die(s);
  }
  for (int i = 0; i < 50; ++i) {
    pol::ConsentTicket t;
    t.principal = "user:alice";
    t.request_digest = "d" + std::to_string(i);
    t.adapter = "openai-eu";
    t.data_class = "internal";
    t.category = "cat" + std::to_string(i);
    auto issued = consent.IssueTicket(t);
    if (!issued.ok()) Die(issued.status());
    pol::GrantRequest g{issued->token, pol::GrantScope::kCategory, gw::Micros(3'600'000'000),
                        "user:alice", ""};
    if (auto r = consent.Grant(g); !r.ok()) Die(r.status());
  }
  pol::ConsentQuery q{"user:alice", {"staff"}, "dx", "openai-eu", "cat25", "app", "internal"};
  std::vector<double> check;
  for (int i = 0; i < iters; ++i) {
    const auto t0 = Clock::now();
    auto c = consent.Covers(q, false);
    check.push_back(Us(Clock::now() - t0));
    if (!c.ok() || !c->covered) {
      Die(c.ok() ? gw::Status(absl::InternalError("not covered")) : c.status());
    }
  }
  Report("consent check (50 grants)", check);

  // ---- budget reserve + settle against user, group and org budgets (daily + monthly).
  pol::BudgetLedger ledger(store, clock);
  gw::config::BudgetsConfig bcfg;
  bcfg.timezone = "Europe/Berlin";
  auto budget = [](std::string id, gw::config::BudgetScope scope, std::string subject,
                   gw::config::BudgetWindow w) {
    gw::config::BudgetConfig b;
    b.id = std::move(id);
    b.scope = scope;
    b.subject = std::move(subject);
    b.window = w;
    b.cap = gw::UsdMicros(INT64_MAX / 4);
    return b;
  };
  bcfg.budgets = {
      budget("user-daily", gw::config::BudgetScope::kUser, "*", gw::config::BudgetWindow::kDaily),
      budget("group-monthly", gw::config::BudgetScope::kGroup, "*",
             gw::config::BudgetWindow::kMonthly),
      budget("org-monthly", gw::config::BudgetScope::kOrg, "", gw::config::BudgetWindow::kMonthly)};
  if (auto s = ledger.SetConfig(bcfg); !s.ok()) Die(s);
  std::vector<double> rs;
  const pol::BudgetPrincipal alice{"alice", {"eng"}};
  for (int i = 0; i < iters; ++i) {
    const auto t0 = Clock::now();
    auto r = ledger.Reserve(alice, gw::UsdMicros(1000));
    if (!r.ok()) Die(r.status());
    if (auto s = ledger.Settle(r->reservation_id, gw::UsdMicros(700)); !s.ok()) Die(s);
    rs.push_back(Us(Clock::now() - t0));
  }
  Report("budget reserve+settle (3 budgets)", rs);

  // ---- throughput: 8 callers reserving concurrently.
  constexpr int kCallers = 8;
  const int per = std::max(1, iters / 4);
  std::atomic<int> failures{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < kCallers; ++c) {
    threads.emplace_back([&, c] {
      const pol::BudgetPrincipal who{"user" + std::to_string(c), {"eng"}};
      for (int i = 0; i < per; ++i) {
        if (!ledger.Reserve(who, gw::UsdMicros(1000)).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("%-34s %d callers x %d: %.0f reservations/s (%d failures)\n",
              "budget reserve throughput", kCallers, per, kCallers * per / secs, failures.load());
  if (made) std::filesystem::remove_all(dir);
  return failures.load() == 0 ? 0 : 1;
}
