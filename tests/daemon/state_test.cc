#include "daemon/state.h"

#include <gtest/gtest.h>

#include <thread>

namespace gw::daemon {
namespace {

TEST(DaemonStateTest, StreamSlotsArePerPrincipalAndReleased) {
  FakeClock clock;
  auto snap = std::make_shared<ConfigSnapshot>(config::Config(), 0, Micros(1));
  DaemonState state(snap, clock);
  auto a1 = state.AcquireStream("user:a", 2);
  auto a2 = state.AcquireStream("user:a", 2);
  ASSERT_TRUE(a1.ok());
  ASSERT_TRUE(a2.ok());
  auto a3 = state.AcquireStream("user:a", 2);
  EXPECT_EQ(a3.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(state.AcquireStream("user:b", 2).ok());  // b has its own slots (released at once)
  EXPECT_EQ(state.active_streams(), 2);
  a1->Release();
  EXPECT_EQ(state.active_streams(), 1);
  auto a4 = state.AcquireStream("user:a", 2);
  EXPECT_TRUE(a4.ok());
  StreamSlot moved = std::move(*a4);
  EXPECT_EQ(state.active_streams(), 2);
}

TEST(DaemonStateTest, ConcurrentAcquireNeverExceedsTheLimit) {
  FakeClock clock;
  auto snap = std::make_shared<ConfigSnapshot>(config::Config(), 0, Micros(1));
  DaemonState state(snap, clock);
  std::atomic<int> held{0};
  std::atomic<int> max_held{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto s = state.AcquireStream("user:x", 3);
        if (!s.ok()) continue;
        const int h = ++held;
        int m = max_held.load();
        while (h > m && !max_held.compare_exchange_weak(m, h)) {
        }
        --held;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_LE(max_held.load(), 3);
  EXPECT_EQ(state.active_streams(), 0);
}

TEST(DaemonStateTest, WatchersAreNotifiedAndRemovable) {
  FakeClock clock;
  DaemonState state(std::make_shared<ConfigSnapshot>(config::Config(), 0, Micros(1)), clock);
  int calls = 0;
  bool last_final = false;
  const int id = state.AddWatcher([&](bool final) {
    ++calls;
    last_final = final;
  });
  state.NotifyWatchers(false);
  state.NotifyWatchers(true);
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(last_final);
  state.RemoveWatcher(id);
  state.NotifyWatchers(false);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace gw::daemon
