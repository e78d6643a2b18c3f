#include "policies/detectors/aho_corasick.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>

namespace gw::policies::internal {
namespace {

using Match = std::tuple<int, size_t, size_t>;

std::vector<Match> Naive(const std::vector<std::string>& pats, std::string_view text) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string t = lower(std::string(text));
  std::vector<Match> out;
  for (size_t i = 0; i < pats.size(); ++i) {
    const std::string p = lower(pats[i]);
    for (size_t pos = t.find(p); pos != std::string::npos; pos = t.find(p, pos + 1)) {
      out.emplace_back(static_cast<int>(i), pos, pos + p.size());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<Match> RunAc(const AhoCorasick& ac, std::string_view text) {
  std::vector<Match> out;
  ac.Scan(text, [&](int id, size_t b, size_t e) { out.emplace_back(id, b, e); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AhoCorasick, ClassicExample) {
  const std::vector<std::string> pats = {"he", "she", "his", "hers"};
  AhoCorasick ac;
  for (const auto& p : pats) ac.Add(p);
  ac.Build();
  EXPECT_EQ(RunAc(ac, "ushers"), Naive(pats, "ushers"));
  EXPECT_EQ(RunAc(ac, "USHERS"), Naive(pats, "ushers"));  // ASCII case folded
  EXPECT_EQ(RunAc(ac, "ushers").size(), 3u);
}

TEST(AhoCorasick, MatchesNaiveOnRandomInputs) {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> pats;
    AhoCorasick ac;
    const int np = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < np; ++i) {
      std::string p;
      const int len = 1 + static_cast<int>(rng() % 5);
      for (int k = 0; k < len; ++k) p.push_back(static_cast<char>('a' + rng() % 3));
      pats.push_back(p);
      ac.Add(p);
    }
    ac.Build();
    std::string text;
    for (int k = 0; k < 200; ++k) text.push_back(static_cast<char>("abcAB\xc3"[rng() % 6]));
    EXPECT_EQ(RunAc(ac, text), Naive(pats, text)) << "round " << round;
  }
}

TEST(AhoCorasick, WordStartsMatchNaiveFilteredByStart) {
  std::mt19937 rng(7);
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> pats;
    AhoCorasick ac;
    const int np = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < np; ++i) {
      std::string p;
      const int len = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < len; ++k) p.push_back("ab -"[rng() % 4]);
      pats.push_back(p);
      ac.Add(p);
    }
    ac.Build();
    std::string text;
    for (int k = 0; k < 200; ++k) text.push_back("abAB -."[rng() % 7]);
    std::vector<Match> want;
    for (const Match& m : Naive(pats, text)) {
      const size_t b = std::get<1>(m);
      if (b == 0 || !alnum(text[b - 1]) || !alnum(text[b])) want.push_back(m);
    }
    std::vector<Match> got;
    ac.ScanWordStarts(text, [&](int id, size_t b, size_t e) { got.emplace_back(id, b, e); });
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want) << "round " << round;
  }
}

TEST(AhoCorasick, EmptyAutomatonMatchesNothing) {
  AhoCorasick ac;
  ac.Build();
  EXPECT_TRUE(RunAc(ac, "anything").empty());
}

}  // namespace
}  // namespace gw::policies::internal
