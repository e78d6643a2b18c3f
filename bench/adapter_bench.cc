// adapter_bench: time to first token (TTFT) and total latency of a streamed chat call through
// cloud_adapters versus a bare Boost.Beast client sending the same bytes, both against the
// provider emulator (plain HTTP on loopback, keep-alive, OpenAI wire format, 16 deltas), at 1,
// 16 and 64 concurrent streams. Prints p50/p99 in microseconds, the overhead (adapter - bare) and
// requests/s.   Usage: adapter_bench [requests_per_level=512]
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "cloud_adapters/http/url.h"
#include "cloud_adapters/openai/openai_codec.h"
#include "cloud_adapters/provider.h"
#include "cloud_adapters/registry.h"
#include "tests/emulator/emulator.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clk = std::chrono::steady_clock;

struct Sample {
  double ttft_us;
  double total_us;
};

double Pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1,
                      static_cast<size_t>(std::llround(p * static_cast<double>(v.size() - 1))));
  return v[i];
}

struct Summary {
  double ttft50, ttft99, total50, total99, rps;
};

Summary Summarize(const std::vector<Sample>& s, double wall_s) {
  std::vector<double> t, a;
  for (const auto& x : s) {
    t.push_back(x.ttft_us);
    a.push_back(x.total_us);
  }
  return {Pct(t, 0.5), Pct(t, 0.99), Pct(a, 0.5), Pct(a, 0.99), s.size() / wall_s};
}

// Runs `total` calls with `conc` in flight through the adapter. Each lane starts its next call
// from OnComplete, so no extra threads compete with the runtime's (like the bare client).
Summary RunAdapter(gw::cloud::Provider& p, int conc, int total) {
  struct Shared {
    gw::cloud::Provider* p;
    int total;
    std::atomic<int> started{0};
    std::atomic<int> finished{0};
    std::mutex mu;
    std::vector<Sample> samples;
    std::promise<void> all_done;
  } sh;
  sh.p = &p;
  sh.total = total;
  struct Lane : gw::cloud::StreamObserver {
    Shared* sh = nullptr;
    Clk::time_point start, first;
    bool got = false;
    bool Next() {
      if (sh->started.fetch_add(1) >= sh->total) return false;
      got = false;
      gw::cloud::ChatCall c;
      c.messages = {{"user", "benchmark prompt"}};
      c.options.max_tokens = 16;
      start = Clk::now();
      sh->p->Stream(std::move(c), *this, {});
      return true;
    }
    void OnText(std::string_view) override {
      if (!got) {
        got = true;
        first = Clk::now();
      }
    }
    void OnComplete(const gw::cloud::StreamResult& r) override {
      auto end = Clk::now();
      if (!r.status.ok()) std::fprintf(stderr, "adapter error: %s\n", r.status.ToString().c_str());
      {
        std::lock_guard<std::mutex> l(sh->mu);
        sh->samples.push_back({std::chrono::duration<double, std::micro>(first - start).count(),
                               std::chrono::duration<double, std::micro>(end - start).count()});
      }
      if (sh->finished.fetch_add(1) + 1 == sh->total) sh->all_done.set_value();
      Next();
    }
  };
  std::vector<Lane> lanes(conc);
  auto done = sh.all_done.get_future();
  auto t0 = Clk::now();
  for (auto& l : lanes) {
    l.sh = &sh;
    l.Next();
  }
  done.get();
  double wall = std::chrono::duration<double>(Clk::now() - t0).count();
  std::lock_guard<std::mutex> l(sh.mu);
  return Summarize(sh.samples, wall);
}

// The same exchange with nothing but Beast: persistent connection, write, read the chunks.
asio::awaitable<void> BareWorker(uint16_t port, const gw::cloud::HttpRequest* in,
                                 std::atomic<int>* started, int total, std::mutex* mu,
                                 std::vector<Sample>* samples) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream s(ex);
  auto tup = asio::as_tuple(asio::use_awaitable);
  asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  co_await s.async_connect(ep, tup);
  s.socket().set_option(asio::ip::tcp::no_delay(true));
  beast::flat_buffer buf;
  http::request<http::string_body> req{http::verb::post, in->target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : in->headers) req.set(k, v);
  req.body() = in->body;
  req.prepare_payload();
  while (started->fetch_add(1) < total) {
    auto start = Clk::now();
    co_await http::async_write(s, req, tup);
    http::response_parser<http::buffer_body> p;
    co_await http::async_read_header(s, buf, p, tup);
    char chunk[16384];
    std::string body;
    Clk::time_point first{};
    while (!p.is_done()) {
      p.get().body().data = chunk;
      p.get().body().size = sizeof(chunk);
      auto [ec, n] = co_await http::async_read(s, buf, p, tup);
      body.append(chunk, sizeof(chunk) - p.get().body().size);
      if (first == Clk::time_point{} && body.find("tok0") != std::string::npos) first = Clk::now();
      if (ec && ec != http::error::need_buffer) break;
    }
    auto end = Clk::now();
    std::lock_guard<std::mutex> l(*mu);
    samples->push_back({std::chrono::duration<double, std::micro>(first - start).count(),
                        std::chrono::duration<double, std::micro>(end - start).count()});
  }
}

Summary RunBare(uint16_t port, const gw::cloud::HttpRequest& req, int conc, int total) {
  asio::io_context io;
  std::mutex mu;
  std::vector<Sample> samples;
  std::atomic<int> started{0};
  for (int w = 0; w < conc; ++w) {
    asio::co_spawn(asio::make_strand(io), BareWorker(port, &req, &started, total, &mu, &samples),
                   asio::detached);
  }
  auto t0 = Clk::now();
  std::thread t2([&] { io.run(); });
  io.run();
  t2.join();
  return Summarize(samples, std::chrono::duration<double>(Clk::now() - t0).count());
}

}  // namespace

int main(int argc, char** argv) {
  int per_level = argc > 1 ? std::atoi(argv[1]) : 512;
  gw::emulator::EmulatorOptions eo;
  eo.wire = gw::emulator::Wire::kOpenAi;
  eo.reply.clear();
  for (int i = 0; i < 16; ++i) eo.reply.push_back("tok" + std::to_string(i) + " ");
  gw::emulator::ProviderEmulator emu(eo);
  if (!emu.Start().ok()) return 1;

  gw::config::AdapterConfig cfg;
  cfg.name = "bench";
  cfg.type = "openai_compatible";
  cfg.model = "bench-model";
  cfg.base_url = "http://127.0.0.1:" + std::to_string(emu.port()) + "/v1";
  gw::cloud::AdapterRuntime rt({/*io_threads=*/2, /*blocking_threads=*/1});
  gw::cloud::ProviderOptions po;
  po.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  auto provider = gw::cloud::CreateProvider(cfg, rt, po);
  if (!provider.ok()) return 1;
  gw::cloud::OpenAiCodec codec(gw::cloud::OpenAiCodec::Flavor::kCompatible, cfg,
                               *gw::cloud::ParseUrl(cfg.base_url));
  gw::cloud::ChatCall call;
  call.messages = {{"user", "benchmark prompt"}};
  call.options.max_tokens = 16;
  auto req = codec.BuildRequest(call);

  std::printf("adapter_bench: %d requests per level, 16 deltas per answer, plain HTTP loopback\n",
              per_level);
  std::printf("%-8s %-8s %10s %10s %10s %10s %10s\n", "streams", "client", "ttft_p50", "ttft_p99",
              "total_p50", "total_p99", "req/s");
  for (int conc : {1, 16, 64}) {
    RunAdapter(**provider, conc, conc * 2);  // warm up connections
    RunBare(emu.port(), *req, conc, conc * 2);
    Summary a = RunAdapter(**provider, conc, per_level);
    Summary b = RunBare(emu.port(), *req, conc, per_level);
    std::printf("%-8d %-8s %10.0f %10.0f %10.0f %10.0f %10.0f\n", conc, "adapter", a.ttft50,
                a.ttft99, a.total50, a.total99, a.rps);
    std::printf("%-8d %-8s %10.0f %10.0f %10.0f %10.0f %10.0f\n", conc, "bare", b.ttft50, b.ttft99,
                b.total50, b.total99, b.rps);
    std::printf("%-8d %-8s %10.0f %10.0f %10.0f %10.0f\n", conc, "overhead", a.ttft50 - b.ttft50,
                a.ttft99 - b.ttft99, a.total50 - b.total50, a.total99 - b.total99);
  }
  return 0;
}
