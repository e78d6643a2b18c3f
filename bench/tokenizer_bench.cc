// Tokenizer throughput: MB/s and tokens/s per tokenizer type on 1 MB of deterministic mixed text
// (English prose, code, CJK, emoji, numbers). Median of 5 runs.
//
//   tokenizer_bench [--shared DIR]     DIR defaults to $GW_SHARED_DIR, else <source>/../shared
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "local_engine/engine.h"

namespace {

std::string MixedText(size_t bytes) {
  // Adjacent literals below are deliberate: long sentences split across lines.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  static const char* kPieces[] = {
      "The quick brown fox jumps over the lazy dog. ",
      "In 2024, the committee reviewed 1,250 proposals and accepted 37% of them. ",
      "Routing decisions are recorded in a tamper-evident log, so that auditors can verify "
      "them later without trusting the operator. ",
      "def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + "
      "fibonacci(n - 2)\n",
      "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }  // dot product\n",
      "東京は日本の首都です。人口は約1400万人で、世界有数の大都市圏を形成しています。",
      "我们明天早上九点在会议室见面，讨论新的项目计划。",
      "Привет, мир! Как дела? ",
      "Emoji: 🚀🔥✨👍🏽 café naïve résumé coöperate ",
      "3.14159265358979 2.71828 6.02214076e23 0xDEADBEEF 1234567890 ",
      "\n\n    indented line\twith\ttabs  and   spaces\r\n",
      "It's what they'd've done; you'll see they're right. ",
  };
  // NOLINTEND(bugprone-suspicious-missing-comma)
  constexpr size_t kN = sizeof(kPieces) / sizeof(kPieces[0]);
  std::string out;
  out.reserve(bytes + 256);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  while (out.size() < bytes) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    out += kPieces[(state >> 33) % kN];
  }
  // Cut at a UTF-8 boundary.
  size_t n = bytes;
  while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
  out.resize(n);
  return out;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string shared;
  if (const char* env = std::getenv("GW_SHARED_DIR")) shared = env;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--shared") == 0 && i + 1 < argc) {
      shared = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--shared DIR]\n", argv[0]);
      return 2;
    }
  }
  if (shared.empty()) shared = std::string(GW_SOURCE_DIR) + "/../shared";
  const std::string text = MixedText(1 << 20);
  struct Entry {
    const char* label;
    const char* file;
  };
  const Entry entries[] = {
      {"spm (llama)", "testdata/engine/vocab/ggml-vocab-llama-spm.gguf"},
      {"spm (phi-3)", "testdata/engine/vocab/ggml-vocab-phi-3.gguf"},
      {"bpe (llama-bpe)", "testdata/engine/vocab/ggml-vocab-llama-bpe.gguf"},
      {"bpe (qwen2)", "testdata/engine/models/tiny-qwen2-q8_0.gguf"},
  };
  std::printf("tokenizer_bench: %zu bytes of mixed text, median of 5 runs\n", text.size());
  std::printf("%-18s %10s %12s %14s %10s\n", "tokenizer", "load ms", "MB/s", "tokens/s", "tokens");
  int missing = 0;
  for (const Entry& e : entries) {
    std::string path = shared + "/" + e.file;
    auto t0 = std::chrono::steady_clock::now();
    auto model = gw::engine::Model::Open(path);
    auto t1 = std::chrono::steady_clock::now();
    if (!model.ok()) {
      std::printf("%-18s skipped: %s\n", e.label, std::string(model.status().message()).c_str());
      ++missing;
      continue;
    }
    const auto& tok = (*model)->tokenizer();
    std::vector<double> secs;
    size_t n_tokens = 0;
    for (int run = 0; run < 5; ++run) {
      auto a = std::chrono::steady_clock::now();
      auto ids = tok.Tokenize(text, false);
      auto b = std::chrono::steady_clock::now();
      secs.push_back(Seconds(a, b));
      n_tokens = ids.size();
    }
    std::sort(secs.begin(), secs.end());
    double med = secs[2];
    std::printf("%-18s %10.1f %12.2f %14.0f %10zu\n", e.label, Seconds(t0, t1) * 1e3,
                static_cast<double>(text.size()) / (1 << 20) / med,
                static_cast<double>(n_tokens) / med, n_tokens);
  }
  return missing == 4 ? 1 : 0;
}
