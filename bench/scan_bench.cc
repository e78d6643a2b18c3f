// scan_bench: throughput of policies::Scanner::Scan on one core.
//
// Config: every built-in detector + one dictionary of 1,000 terms + 20 custom regexes.
// Texts: deterministic mixed prose (seeded) with e-mails, phones, cards, IBANs, IPs, keys,
// dictionary terms and regex hits sprinkled in (about one item per 400 bytes), sizes 2 KB and
// 1 MB. Prints MB/s (1 MB = 1e6 bytes) per core: single-threaded, best of 5 timed rounds,
// timed by this thread's CPU clock (CLOCK_THREAD_CPUTIME_ID) so that time spent descheduled on
// a busy machine does not count; wall-clock MB/s is printed next to it.
// Usage: scan_bench [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "policies/scan.h"

namespace {

using gw::policies::DataClassSet;
using gw::policies::Scanner;

const char* const kWords[] = {
    "the",     "report",   "customer", "meeting", "quarterly", "please", "review",  "attached",
    "budget",  "server",   "deploy",   "release", "and",       "with",   "for",     "summary",
    "Monday",  "team",     "update",   "account", "issue",     "fixed",  "latency", "graph",
    "invoice", "shipping", "of",       "to",      "a",         "in",     "is",      "we"};

const char* const kItems[] = {
    "jane.doe@example.com",        "+1-202-555-0143", "4111 1111 1111 1111",
    "DE89 3704 0044 0532 0130 00", "10.20.30.40",     "AKIAIOSFODNN7EXAMPLE",
    "call me at (555) 234-5678",   "SSN 531-21-7351", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "version 2.4.1 on 2024-05-01"};

std::string MakeText(size_t bytes, std::mt19937& rng, const std::vector<std::string>& terms) {
  std::string t;
  t.reserve(bytes + 64);
  size_t next_item = 200 + rng() % 400;
  while (t.size() < bytes) {
    if (t.size() >= next_item) {
      const int kind = static_cast<int>(rng() % 12);
      if (kind < 10) {
        t += kItems[kind];
      } else if (kind == 10) {
        t += terms[rng() % terms.size()];
      } else {
        t += "ticket PRJ-" + std::to_string(1000 + rng() % 9000);
      }
      next_item = t.size() + 200 + rng() % 400;
    } else {
      t += kWords[rng() % (sizeof(kWords) / sizeof(kWords[0]))];
    }
    t += (rng() % 12 == 0) ? ". " : " ";
  }
  t.resize(bytes);
  return t;
}

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Speed {
  double cpu_mbs = 0;
  double wall_mbs = 0;
};

Speed Measure(const Scanner& s, const std::string& text, int rounds, size_t* findings) {
  double best_cpu = 1e30, best_wall = 1e30;
  for (int r = 0; r < rounds; ++r) {
    // Repeat small texts so each timed round covers at least ~8 MB.
    const int reps = static_cast<int>(std::max<size_t>(1, 8'000'000 / text.size()));
    const auto w0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuSeconds();
    size_t n = 0;
    for (int i = 0; i < reps; ++i) n += s.Scan(text).size();
    const double cpu = ThreadCpuSeconds() - c0;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    best_cpu = std::min(best_cpu, cpu / reps);
    best_wall = std::min(best_wall, wall / reps);
    *findings = n / reps;
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  return Speed{mb / best_cpu, mb / best_wall};
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::mt19937 rng(1234);
  gw::config::DetectorsConfig cfg;
  gw::config::DictionaryConfig dict;
  dict.id = "codenames";
  dict.finding_type = "PROJECT_CODENAME";
  dict.data_class = "confidential";
  for (int i = 0; i < 1000; ++i) {
    std::string term = "proj";
    for (int k = 0; k < 6; ++k) term.push_back(static_cast<char>('a' + rng() % 26));
    term += std::to_string(i % 97);
    dict.terms.push_back(term);
  }
  cfg.dictionaries.push_back(dict);
  const char* const kPatterns[] = {
      R"(\bPRJ-[0-9]{4}\b)",           R"(\bEMP[0-9]{6}\b)",
      R"(\bCASE-[A-Z]{2}-[0-9]{5}\b)", R"(\bINV/[0-9]{4}/[0-9]{6}\b)",
      R"(\bACCT-[0-9]{8}\b)",          R"(\bPO#[0-9]{7}\b)",
      R"(\bHR-[0-9]{3}-[A-Z]{3}\b)",   R"(\bMRN[0-9]{8}\b)",
      R"(\bSKU-[A-Z0-9]{10}\b)",       R"(\bLOT[0-9]{5}-[0-9]{2}\b)",
      R"(\bCONF-[0-9]{4}-[0-9]{4}\b)", R"(\bVIN[A-HJ-NPR-Z0-9]{17}\b)",
      R"(\bTAX-[0-9]{9}\b)",           R"(\bPAT-[0-9]{7}\b)",
      R"(\bBLD-[0-9]{2}-[0-9]{3}\b)",  R"(\bRMA[0-9]{8}\b)",
      R"(\bBADGE-[0-9]{5}\b)",         R"(\bCTR-[A-Z]{4}-[0-9]{3}\b)",
      R"(\bLIC-[0-9]{10}\b)",          R"(\bPROJECT [A-Z][a-z]+ [0-9]{2}\b)"};
  int i = 0;
  for (const char* p : kPatterns) {
    gw::config::CustomRegexConfig r;
    r.id = "re" + std::to_string(i++);
    r.pattern = p;
    r.finding_type = "CUSTOM_" + std::to_string(i);
    r.data_class = "internal";
    cfg.regexes.push_back(r);
  }
  auto classes =
      DataClassSet::Create({"public", "internal", "confidential", "restricted"}, "public");
  const int rounds = quick ? 1 : 5;
  std::printf("scan_bench: 1 thread, best of %d rounds; 1 MB = 1e6 bytes\n", rounds);
  struct Variant {
    const char* name;
    bool dict, regexes;
  };
  const Variant variants[] = {{"built-ins + 1000 terms + 20 regexes (target)", true, true},
                              {"built-ins only", false, false},
                              {"built-ins + 1000 terms", true, false}};
  std::mt19937 text_rng(99);
  const std::string small = MakeText(2048, text_rng, dict.terms);
  const std::string large = MakeText(size_t{1} << 20, text_rng, dict.terms);
  for (const Variant& v : variants) {
    gw::config::DetectorsConfig c = cfg;
    if (!v.dict) c.dictionaries.clear();
    if (!v.regexes) c.regexes.clear();
    auto scanner = Scanner::Create(c, *classes);
    if (!scanner.ok()) {
      std::fprintf(stderr, "scan_bench: %s\n", std::string(scanner.status().message()).c_str());
      return 1;
    }
    std::printf("%s\n", v.name);
    for (const std::string* text : {&small, &large}) {
      size_t findings = 0;
      const Speed sp = Measure(**scanner, *text, rounds, &findings);
      std::printf("  %8zu bytes: %8.1f MB/s per core (CPU time), %8.1f MB/s wall  (%zu findings)\n",
                  text->size(), sp.cpu_mbs, sp.wall_mbs, findings);
    }
  }
  return 0;
}
