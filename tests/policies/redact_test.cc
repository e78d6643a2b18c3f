#include "policies/redact.h"

#include <gtest/gtest.h>

namespace gw::policies {
namespace {

std::unique_ptr<Scanner> Builtins() {
  static const auto* classes = new DataClassSet(
      *DataClassSet::Create({"public", "internal", "confidential", "restricted"}, "public"));
  return std::move(*Scanner::Create(config::DetectorsConfig{}, *classes));
}

constexpr char kPrompt[] =
    "Mail bob@example.com or alice@example.org about card 4111111111111111; bob@example.com "
    "again.";

TEST(Redactor, TypedPlaceholdersConsistentAcrossTurns) {
  auto s = Builtins();
  Redactor r(RedactionMode::kReversible);
  const std::string p1 = kPrompt;
  auto out = r.Redact(p1, s->Scan(p1));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "Mail <EMAIL_1> or <EMAIL_2> about card <CARD_1>; <EMAIL_1> again.");
  // A later turn of the same conversation reuses the placeholders.
  const std::string p2 = "And alice@example.org, carol@example.net?";
  EXPECT_EQ(*r.Redact(p2, s->Scan(p2)), "And <EMAIL_2>, <EMAIL_3>?");
  EXPECT_EQ(r.size(), 4u);
  EXPECT_EQ(r.Restore(*out), p1);
}

TEST(Redactor, MaskKeepsNothing) {
  auto s = Builtins();
  Redactor r(RedactionMode::kMask);
  const std::string p = kPrompt;
  auto out = r.Redact(p, s->Scan(p));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "Mail <EMAIL> or <EMAIL> about card <CARD>; <EMAIL> again.");
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.Restore(*out), *out);
}

TEST(Redactor, RejectsBadFindings) {
  Redactor r(RedactionMode::kReversible);
  std::vector<Finding> f(2);
  f[0] = Finding{"EMAIL", 0, 5, 1, "email", DataClass(0)};
  f[1] = Finding{"EMAIL", 3, 8, 1, "email", DataClass(0)};
  EXPECT_EQ(r.Redact("0123456789", f).status().code(), absl::StatusCode::kInvalidArgument);
  f.resize(1);
  f[0].end = 11;
  EXPECT_EQ(r.Redact("0123456789", f).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.size(), 0u);
}

TEST(StreamRestorer, EverySplitPointRestores) {
  auto s = Builtins();
  Redactor r(RedactionMode::kReversible);
  const std::string p = kPrompt;
  ASSERT_TRUE(r.Redact(p, s->Scan(p)).ok());
  const std::string answer = "Sure: <EMAIL_1> and <CARD_1> and <EMAIL_9> and <b>x</b> a<b";
  const std::string want =
      "Sure: bob@example.com and 4111111111111111 and <EMAIL_9> and <b>x</b> a<b";
  // Two chunks, split at every byte (includes a placeholder split across the boundary).
  for (size_t cut = 0; cut <= answer.size(); ++cut) {
    StreamRestorer sr(r);
    std::string got = sr.Feed(answer.substr(0, cut));
    got += sr.Feed(answer.substr(cut));
    got += sr.Finish();
    EXPECT_EQ(got, want) << "cut at " << cut;
  }
  // One byte at a time.
  StreamRestorer sr(r);
  std::string got;
  for (char c : answer) got += sr.Feed(std::string(1, c));
  got += sr.Finish();
  EXPECT_EQ(got, want);
}

TEST(StreamRestorer, HoldsBackOnlyPossiblePlaceholders) {
  auto s = Builtins();
  Redactor r(RedactionMode::kReversible);
  const std::string p = "bob@example.com";
  ASSERT_TRUE(r.Redact(p, s->Scan(p)).ok());
  StreamRestorer sr(r);
  EXPECT_EQ(sr.Feed("a <EMA"), "a ");
  EXPECT_EQ(sr.Feed("IL_1"), "");
  EXPECT_EQ(sr.Feed("> b <x"), "bob@example.com b <x");
  EXPECT_EQ(sr.Feed(" <"), " ");
  EXPECT_EQ(sr.Finish(), "<");
}

}  // namespace
}  // namespace gw::policies
