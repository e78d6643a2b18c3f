// daemon_bench: request throughput and latency of the real gatewayd over its Unix socket.
//
//   daemon_bench [--gatewayd PATH] [--seconds S]
//
// Starts gatewayd (embedded default config, temporary socket and state dir), then for 1, 8 and
// 64 concurrent clients (each with its own channel) measures for S seconds:
//   - Admin.Status (unary): requests/s, p50 and p99 latency in microseconds;
//   - Gateway.Chat: opening a stream and reading it to its end (validation, identity, limits;
//     this build answers UNAVAILABLE as it has no routing pipeline): streams/s, p50, p99.
// Also prints the daemon's idle RSS (VmRSS after start-up and after the load) and its start-up
// time (exec to ready line). Output is a Markdown table.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "gateway/v1/gateway.grpc.pb.h"

extern char** environ;

namespace {

namespace v1 = ::gateway::v1;
using Clock = std::chrono::steady_clock;

struct Result {
  double per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  size_t n = 0;
};

double Pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

template <typename Fn>
Result Run(const std::string& target, int clients, double seconds, Fn op) {
  std::vector<std::vector<double>> lat(clients);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < clients; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // distinct channels, not one shared connection
    channels.push_back(grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    channels.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
  const auto start = Clock::now();
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      while (!stop.load(std::memory_order_relaxed)) {
        const auto t0 = Clock::now();
        op(channels[i]);
        lat[i].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  Result r;
  r.n = all.size();
  r.per_s = static_cast<double>(all.size()) / elapsed;
  r.p50_us = Pct(all, 0.50);
  r.p99_us = Pct(all, 0.99);
  return r;
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string gatewayd;
  double seconds = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--gatewayd" && i + 1 < argc) gatewayd = argv[++i];
    if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
  }
  if (gatewayd.empty()) {
    gatewayd =
        (std::filesystem::path(argv[0]).parent_path() / ".." / "daemon" / "gatewayd").string();
  }
  char tmpl[] = "/tmp/gwbench.XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string sock = dir + "/gw.sock";
  const std::string state = dir + "/state";
  const std::string out_path = dir + "/stdout";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {gatewayd, "--socket", sock, "--state-dir", state};
  std::vector<char*> cargs;
  for (auto& s : args) cargs.push_back(s.data());
  cargs.push_back(nullptr);
  pid_t pid = 0;
  const auto t_spawn = Clock::now();
  if (posix_spawn(&pid, gatewayd.c_str(), &fa, nullptr, cargs.data(), environ) != 0) {
    std::cerr << "daemon_bench: cannot start " << gatewayd << "\n";
    return 1;
  }
  double startup_ms = -1;
  for (int i = 0; i < 3000; ++i) {
    std::ifstream in(out_path);
    std::string line;
    if (std::getline(in, line) && line.find("gatewayd ready") != std::string::npos) {
      startup_ms = std::chrono::duration<double, std::milli>(Clock::now() - t_spawn).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (startup_ms < 0) {
    std::cerr << "daemon_bench: gatewayd did not become ready\n";
    kill(pid, SIGKILL);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long idle_rss = RssKb(pid);
  const std::string target = "unix:" + sock;

  v1::ChatRequest chat;
  auto* m = chat.add_messages();
  m->set_role(v1::ROLE_USER);
  m->set_content(std::string(200, 'a'));

  std::printf("gatewayd daemon_bench (%.1f s per row, Unix socket, embedded default config)\n\n",
              seconds);
  std::printf("| operation | clients | ops/s | p50 µs | p99 µs | samples |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (int clients : {1, 8, 64}) {
    Result r = Run(target, clients, seconds, [](const std::shared_ptr<grpc::Channel>& ch) {
      auto stub = v1::Admin::NewStub(ch);
      grpc::ClientContext ctx;
      v1::StatusResponse resp;
      (void)stub->Status(&ctx, v1::StatusRequest(), &resp);
    });
    std::printf("| Admin.Status (unary) | %d | %.0f | %.0f | %.0f | %zu |\n", clients, r.per_s,
                r.p50_us, r.p99_us, r.n);
  }
  for (int clients : {1, 8, 64}) {
    Result r = Run(target, clients, seconds, [&chat](const std::shared_ptr<grpc::Channel>& ch) {
      auto stub = v1::Gateway::NewStub(ch);
      grpc::ClientContext ctx;
      auto reader = stub->Chat(&ctx, chat);
      v1::ChatEvent ev;
      while (reader->Read(&ev)) {
      }
      (void)reader->Finish();
    });
    std::printf("| Gateway.Chat open+close | %d | %.0f | %.0f | %.0f | %zu |\n", clients, r.per_s,
                r.p50_us, r.p99_us, r.n);
  }
  const long after_rss = RssKb(pid);
  std::printf("\n| daemon | value |\n|---|---:|\n");
  std::printf("| start-up (exec to ready) | %.1f ms |\n", startup_ms);
  std::printf("| idle RSS after start | %.1f MiB |\n", idle_rss / 1024.0);
  std::printf("| RSS after the load | %.1f MiB |\n", after_rss / 1024.0);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::filesystem::remove_all(dir);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
