// audit_bench: group-committed append throughput (records/s) with 1 and 8 writers, and the
// latency of a durable (write-ahead, fdatasync'd) egress record, p50/p99 in microseconds, alone
// and while 8 writers load the log.
//
// Usage: audit_bench [DIR]   (DIR: where to create the log; default a fresh dir under /tmp.
// Put it on the disk the daemon will use: fsync cost is the disk's.)
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"

namespace {

using Clock = std::chrono::steady_clock;

gw::audit::AuditRecord Record(int t, int i) {
  gw::audit::RouteDecisionFields f;
  f.decision = "cloud";
  f.adapter = "openai-eu";
  f.region = "eu-west-1";
  f.category = "summarization";
  f.data_class = "internal";
  f.rule_ids = {"allow-internal-eu"};
  f.reasons = {"complexity 0.82 above 0.70"};
  f.scores_ppm = {{"complexity", 820000}};
  return gw::audit::MakeRouteDecision(gw::RequestId(gw::RandomHex(16)), "user" + std::to_string(t),
                                      f);
}

std::unique_ptr<gw::audit::AuditLog> OpenFresh(const std::string& root, const char* name) {
  gw::config::AuditConfig cfg;
  cfg.dir = root + "/" + name;
  auto log = gw::audit::AuditLog::Open(cfg);
  if (!log.ok()) {
    std::fprintf(stderr, "audit_bench: %s\n", std::string(log.status().message()).c_str());
    std::exit(1);
  }
  return std::move(*log);
}

double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Records/s (wall clock); *cpu_us gets process CPU time per record (all threads, including
// building the records), which is less sensitive to other load on the machine.
double Throughput(const std::string& root, int writers, int per_writer, double* cpu_us) {
  auto log = OpenFresh(root, writers == 1 ? "tp1" : "tp8");
  const double cpu0 = CpuSeconds();
  std::atomic<int64_t> failed{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < writers; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_writer; ++i) {
        log->Append(Record(t, i), [&](const gw::StatusOr<uint64_t>& s) {
          if (!s.ok()) failed.fetch_add(1);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  if (!log->Flush().ok() || failed.load() != 0) {
    std::fprintf(stderr, "audit_bench: appends failed\n");
    std::exit(1);
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  *cpu_us = (CpuSeconds() - cpu0) * 1e6 / (writers * static_cast<double>(per_writer));
  return writers * static_cast<double>(per_writer) / secs;
}

void DurableLatency(const std::string& root, bool loaded, int n) {
  auto log = OpenFresh(root, loaded ? "lat_loaded" : "lat_idle");
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  if (loaded) {
    for (int t = 0; t < 8; ++t) {
      load.emplace_back([&, t] {
        int i = 0;
        while (!stop.load()) log->Append(Record(t, i++)).wait();
      });
    }
  }
  gw::audit::EgressFields e;
  e.adapter = "openai-eu";
  e.host = "api.openai.com";
  e.region = "eu-west-1";
  e.bytes_sent = 4096;
  e.payload_sha256_hex = gw::audit::Sha256Hex("payload");
  std::vector<double> us;
  us.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto rec = gw::audit::MakeEgress(gw::RequestId(gw::RandomHex(16)), "alice", e);
    auto start = Clock::now();
    auto s = log->AppendDurable(rec);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!s.ok()) {
      std::fprintf(stderr, "audit_bench: durable append failed\n");
      std::exit(1);
    }
  }
  stop = true;
  for (auto& th : load) th.join();
  std::sort(us.begin(), us.end());
  std::printf("durable egress record latency (%s, n=%d): p50 %.0f us, p99 %.0f us\n",
              loaded ? "with 8 group-commit writers" : "idle log", n, us[us.size() / 2],
              us[us.size() * 99 / 100]);
}

}  // namespace

int main(int argc, char** argv) {
  std::string root;
  if (argc > 1) {
    root = argv[1];
  } else {
    std::string tmpl = (std::filesystem::temp_directory_path() / "audit-bench-XXXXXX").string();
    root = ::mkdtemp(tmpl.data());
  }
  std::printf("audit_bench: log under %s\n", root.c_str());
  double cpu_us = 0;
  double rate = Throughput(root, 1, 200'000, &cpu_us);
  std::printf("group-committed append, 1 writer:  %.0f records/s (%.1f us CPU per record)\n", rate,
              cpu_us);
  rate = Throughput(root, 8, 50'000, &cpu_us);
  std::printf("group-committed append, 8 writers: %.0f records/s (%.1f us CPU per record)\n", rate,
              cpu_us);
  DurableLatency(root, false, 2000);
  DurableLatency(root, true, 1000);
  if (argc <= 1) std::filesystem::remove_all(root);
  return 0;
}
