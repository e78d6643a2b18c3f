#include "cloud_adapters/http/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gw::cloud {
namespace {

std::vector<SseEvent> ParseAll(const std::vector<std::string>& chunks, Status* st = nullptr) {
  SseParser p(64);
  std::vector<SseEvent> out;
  for (const auto& c : chunks) {
    Status s = p.Feed(c, [&](const SseEvent& e) { out.push_back(e); });
    if (!s.ok()) {
      if (st) *st = s;
      break;
    }
  }
  return out;
}

struct Case {
  const char* name;
  std::string stream;
  std::vector<std::pair<std::string, std::string>> want;  // (type, data)
};

TEST(SseParser, WhatwgExamplesAtEveryChunkBoundary) {
  const std::vector<Case> cases = {
      {"single", "data: hello\n\n", {{"message", "hello"}}},
      {"multiline", "data: YHOO\ndata: +2\ndata: 10\n\n", {{"message", "YHOO\n+2\n10"}}},
      {"comment and event",
       ": test stream\n\nevent: add\ndata: 73857293\n\n",
       {{"add", "73857293"}}},
      {"no space after colon", "data:test\n\n", {{"message", "test"}}},
      {"two spaces keep one", "data:  x\n\n", {{"message", " x"}}},
      {"empty data dispatches",
       "data\n\ndata\ndata\n\ndata:\n",
       {{"message", ""}, {"message", "\n"}}},
      {"crlf", "event: e\r\ndata: a\r\n\r\n", {{"e", "a"}}},
      {"cr only", "data: a\rdata: b\r\r", {{"message", "a\nb"}}},
      {"bom",
       "\xEF\xBB\xBF"
       "data: x\n\n",
       {{"message", "x"}}},
      {"only first bom",
       "\xEF\xBB\xBF\xEF\xBB\xBF"
       "data: x\n\n",
       {}},
      {"unknown field ignored", "foo: bar\ndata: x\n\n", {{"message", "x"}}},
      {"event type resets", "event: a\n\ndata: x\n\n", {{"message", "x"}}},
      {"unterminated discarded", "data: x\n", {}},
  };
  for (const auto& c : cases) {
    for (size_t cut1 = 0; cut1 <= c.stream.size(); ++cut1) {
      for (size_t cut2 = cut1; cut2 <= c.stream.size(); ++cut2) {
        auto ev = ParseAll(
            {c.stream.substr(0, cut1), c.stream.substr(cut1, cut2 - cut1), c.stream.substr(cut2)});
        ASSERT_EQ(ev.size(), c.want.size()) << c.name << " cuts " << cut1 << "," << cut2;
        for (size_t i = 0; i < ev.size(); ++i) {
          EXPECT_EQ(ev[i].type, c.want[i].first) << c.name;
          EXPECT_EQ(ev[i].data, c.want[i].second) << c.name;
        }
      }
    }
  }
}

TEST(SseParser, IdAndRetry) {
  auto ev = ParseAll({"id: 7\nretry: 1500\ndata: a\n\ndata: b\n\nid: x"});
  ASSERT_EQ(ev.size(), 2u);  // the trailing "id: x" line has no blank line after it
  EXPECT_EQ(ev[0].last_id, "7");
  EXPECT_EQ(ev[0].retry_ms, 1500);
  EXPECT_EQ(ev[1].last_id, "7");
  EXPECT_FALSE(ev[1].retry_ms.has_value());
  std::string with_nul = std::string("id: x") + '\0' + "y\nretry: 1x\ndata: c\n\n";
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.Feed("id: 1\n", [&](const SseEvent& e) { out.push_back(e); }).ok());
  ASSERT_TRUE(p.Feed(with_nul, [&](const SseEvent& e) { out.push_back(e); }).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].last_id, "1");  // an id containing NUL is ignored
  EXPECT_FALSE(out[0].retry_ms.has_value());
}

TEST(SseParser, CorruptInputsGiveExactErrors) {
  struct Bad {
    std::vector<std::string> chunks;
    std::string error;
  };
  const std::vector<Bad> bad = {
      {{std::string(65, 'a')}, "sse: event larger than 64 bytes"},
      {{"data: " + std::string(40, 'x') + "\n", "data: " + std::string(40, 'y') + "\n"},
       "sse: event larger than 64 bytes"},
      {{std::string(30, 'a'), std::string(30, 'b'), std::string(30, 'c')},
       "sse: event larger than 64 bytes"},
  };
  for (const auto& b : bad) {
    Status st;
    ParseAll(b.chunks, &st);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(st.message(), b.error);
  }
  SseParser p(8);
  ASSERT_FALSE(p.Feed("0123456789", [](const SseEvent&) {}).ok());
  EXPECT_FALSE(p.Feed("\n\n", [](const SseEvent&) {}).ok()) << "stays failed";
}

}  // namespace
}  // namespace gw::cloud
