// Record builders, the line parser (table of corrupt inputs with exact errors), time parsing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/internal/codec.h"
#include "audit/verify.h"

namespace gw::audit {
namespace {

const std::string kPrev(64, '0');
const std::string kSig(128, 'a');

std::string Line(const std::string& body = "{}", const std::string& extra_sig = "") {
  internal::PreparedRecord p =
      internal::Prepare(AuditRecord{RecordType::kAdminAction, "r1", "bob", body});
  std::string out;
  internal::AppendLine(p, 7, 1700000000000000, kPrev, extra_sig, &out);
  return out;
}

TEST(RecordsTest, CanonicalLineLayout) {
  EXPECT_EQ(Line("{\"a\":1}"),
            "{\"body\":{\"a\":1},\"prev\":\"" + kPrev +
                "\",\"principal\":\"bob\",\"request_id\":\"r1\",\"seq\":7,\"ts_us\":"
                "1700000000000000,\"type\":\"admin_action\"}");
  // The writer's layout is exactly what a JSON library produces with sorted keys.
  auto j = nlohmann::json::parse(Line("{\"a\":1}", kSig));
  EXPECT_EQ(j.dump(), Line("{\"a\":1}", kSig));
}

TEST(RecordsTest, BuildersProduceCanonicalBodiesWithoutText) {
  RouteDecisionFields f;
  f.decision = "cloud";
  f.adapter = "anthropic";
  f.rule_ids = {"r2", "r1"};
  f.scores_ppm = {{"complexity", 910000}};
  AuditRecord r = MakeRouteDecision(RequestId("rid"), "alice", f);
  EXPECT_EQ(r.type, RecordType::kRouteDecision);
  EXPECT_EQ(r.body_json,
            "{\"adapter\":\"anthropic\",\"category\":\"\",\"data_class\":\"\",\"decision\":"
            "\"cloud\",\"reasons\":[],\"region\":\"\",\"rule_ids\":[\"r2\",\"r1\"],"
            "\"scores_ppm\":{\"complexity\":910000}}");
  CompletionFields c;
  c.status = "OK";
  c.tokens_in = TokenCount(12);
  c.cost = UsdMicros(1500);
  c.completion = CapturedContent{std::string(64, 'd'), "", ""};
  EXPECT_EQ(MakeCompletion(RequestId("rid"), "alice", c).body_json,
            "{\"completion\":{\"hmac_sha256\":\"" + std::string(64, 'd') +
                "\"},\"cost_usd_micros\":1500,\"latency_us\":0,\"status\":\"OK\",\"target\":\"\","
                "\"tokens_in\":12,\"tokens_out\":0}");
  RedactionFields red;
  red.counts_by_type = {{"email", 2}, {"iban", 1}};
  EXPECT_EQ(MakeRedaction(RequestId("rid"), "alice", red).body_json,
            "{\"adapter\":\"\",\"counts\":{\"email\":2,\"iban\":1}}");
  // Invalid UTF-8 becomes U+FFFD instead of breaking the line.
  AdminActionFields a;
  a.detail = std::string("bad\xff");
  auto line = Line(MakeAdminAction(RequestId("x"), "p", a).body_json);
  EXPECT_TRUE(ParseRecordLine(line).ok());
  for (int t = 0; t <= static_cast<int>(RecordType::kRetention); ++t) {
    auto type = static_cast<RecordType>(t);
    EXPECT_EQ(RecordTypeFromName(RecordTypeName(type)), type);
  }
}

TEST(RecordsTest, ParsesAGoodLine) {
  auto r = ParseRecordLine(Line("{\"adapter\":\"x\",\"decision\":\"cloud\"}", kSig));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->seq, 7u);
  EXPECT_EQ(r->ts_us, 1700000000000000);
  EXPECT_EQ(r->type, "admin_action");
  EXPECT_EQ(r->principal, "bob");
  EXPECT_EQ(r->adapter, "x");
  EXPECT_EQ(r->decision, "cloud");
  EXPECT_EQ(r->sig, kSig);
  EXPECT_EQ(r->signed_bytes, Line("{\"adapter\":\"x\",\"decision\":\"cloud\"}"));
}

struct Corrupt {
  std::string name;
  std::string line;
  std::string error;
};

TEST(RecordsTest, CorruptLinesGiveExactErrors) {
  const std::string good = Line();
  auto replace = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  const std::vector<Corrupt> cases = {
      {"empty", "", "not valid JSON"},
      {"garbage", "hello", "not valid JSON"},
      {"truncated", good.substr(0, good.size() - 1), "not valid JSON"},
      {"array", "[1,2]", "not a JSON object"},
      {"whitespace", "{ \"a\":1}", "not canonical JSON"},
      {"unsorted", "{\"seq\":1,\"body\":{}}", "not canonical JSON"},
      {"duplicate key", replace("\"seq\":7", "\"seq\":7,\"seq\":7"), "not canonical JSON"},
      {"bad utf8", replace("bob", "b\xc3\x28"), "not valid JSON"},
      {"deep", std::string(100, '[') + std::string(100, ']'), "nesting too deep"},
      {"long", std::string(kMaxLineBytes + 1, ' '), "line too long"},
      {"unknown field", replace("\"seq\":7", "\"seq\":7,\"sez\":1"), "unknown field sez"},
      {"missing prev",
       "{\"body\":{},\"principal\":\"\",\"request_id\":\"\",\"seq\":1,\"ts_us\":1,"
       "\"type\":\"recovery\"}",
       "missing field prev"},
      {"negative seq", replace("\"seq\":7", "\"seq\":-7"), "field seq: expected unsigned integer"},
      {"float ts", replace("\"ts_us\":1700000000000000", "\"ts_us\":1.5"),
       "field ts_us: expected integer"},
      {"body not object", replace("\"body\":{}", "\"body\":[]"), "field body: expected object"},
      {"principal not string", replace("\"principal\":\"bob\"", "\"principal\":5"),
       "field principal: expected string"},
      {"prev upper hex", replace(kPrev, std::string(64, 'A')),
       "field prev: expected 64 lowercase hex"},
      {"prev short", replace(kPrev, "00"), "field prev: expected 64 lowercase hex"},
      {"sig short", replace("\"seq\":7", "\"seq\":7,\"sig\":\"ab\""),
       "field sig: expected 128 lowercase hex"},
      {"sig not string", replace("\"seq\":7", "\"seq\":7,\"sig\":1"), "field sig: expected string"},
      {"unknown type", replace("admin_action", "admin_actionx"), "field type: unknown record type"},
  };
  for (const auto& c : cases) {
    auto r = ParseRecordLine(c.line);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(r.status().message(), c.error) << c.name;
  }
}

TEST(RecordsTest, SegmentNames) {
  EXPECT_EQ(internal::SegmentName(42), "audit-00000000000000000042.log");
  uint64_t s = 0;
  EXPECT_TRUE(internal::ParseSegmentName("audit-00000000000000000042.log", &s));
  EXPECT_EQ(s, 42u);
  EXPECT_FALSE(internal::ParseSegmentName("audit-0000000000000000004x.log", &s));
  EXPECT_FALSE(internal::ParseSegmentName("audit-99999999999999999999.log", &s));
  EXPECT_FALSE(internal::ParseSegmentName("other.log", &s));
}

TEST(RecordsTest, TimeArguments) {
  EXPECT_EQ(*ParseTimeArg("1700000000000000"), 1700000000000000);
  EXPECT_EQ(*ParseTimeArg("2023-11-14T22:13:20Z"), 1700000000000000);
  EXPECT_EQ(*ParseTimeArg("2023-11-14T22:13:20.5Z"), 1700000000500000);
  EXPECT_EQ(*ParseTimeArg("2023-11-14T23:13:20.000001+01:00"), 1700000000000001);
  EXPECT_EQ(*ParseTimeArg("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(FormatRfc3339(1700000000000001), "2023-11-14T22:13:20.000001Z");
  for (const char* bad :
       {"", "yesterday", "2023-11-14", "2023-13-14T22:13:20Z", "2023-11-14T22:13:20",
        "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20Zx", "1234567890123456789012"}) {
    auto r = ParseTimeArg(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace gw::audit
