#include "policies/eval/presidio_eval.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/policies/shared_data.h"

namespace gw::policies::eval {
namespace {

std::unique_ptr<Scanner> Builtins() {
  static const auto* classes = new DataClassSet(
      *DataClassSet::Create({"public", "internal", "confidential", "restricted"}, "public"));
  return std::move(*Scanner::Create(config::DetectorsConfig{}, *classes));
}

TEST(PresidioParse, CorruptInputs) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {"", "not valid JSON"},
      {"{\"full_text\": \"x\"}", "top level is not an array"},
      {"[1]", "record 0: not an object"},
      {"[{\"spans\": []}]", "record 0: missing string full_text"},
      {"[{\"full_text\": 3, \"spans\": []}]", "record 0: missing string full_text"},
      {"[{\"full_text\": \"x\"}]", "record 0: missing array spans"},
      {"[{\"full_text\": \"x\", \"spans\": [1]}]", "record 0: span is not an object"},
      {"[{\"full_text\": \"abc\", \"spans\": [{\"start_position\": 0, \"end_position\": 1}]}]",
       "record 0: span without string entity_type"},
      {"[{\"full_text\": \"abc\", \"spans\": [{\"entity_type\": \"X\", \"start_position\": "
       "\"0\", \"end_position\": 1}]}]",
       "record 0: span without integer start_position/end_position"},
      {"[{\"full_text\": \"abc\", \"spans\": [{\"entity_type\": \"X\", \"start_position\": 1, "
       "\"end_position\": 4}]}]",
       "record 0: span outside the text"},
      {"[{\"full_text\": \"abc\", \"spans\": []}, {\"full_text\": \"abc\", \"spans\": "
       "[{\"entity_type\": \"X\", \"start_position\": 2, \"end_position\": 2}]}]",
       "record 1: span outside the text"},
  };
  for (const auto& c : cases) {
    auto r = ParsePresidioJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.error) << c.json;
  }
}

TEST(PresidioEval, CodePointOffsetsAndScoring) {
  // "é" is two bytes but one code point: the e-mail starts at code point 7, byte 8.
  const char* json = R"([
    {"full_text": "café: bob@example.com or 4111111111111111",
     "spans": [{"entity_type": "EMAIL_ADDRESS", "start_position": 6, "end_position": 21},
               {"entity_type": "PERSON", "start_position": 0, "end_position": 4}]},
    {"full_text": "call 555 0100 9999 now", "spans": []},
    {"full_text": "ip 10.0.0.1", "spans": [
      {"entity_type": "IP_ADDRESS", "start_position": 3, "end_position": 11},
      {"entity_type": "US_SSN", "start_position": 0, "end_position": 2}]}
  ])";
  auto samples = ParsePresidioJson(json);
  ASSERT_TRUE(samples.ok()) << samples.status();
  const Report r = Evaluate(*Builtins(), *samples);
  EXPECT_EQ(r.entities.at("EMAIL_ADDRESS").tp, 1);
  EXPECT_EQ(r.entities.at("CREDIT_CARD").fp, 1);
  EXPECT_EQ(r.entities.at("PHONE_NUMBER").fp, 1);
  EXPECT_EQ(r.entities.at("IP_ADDRESS").tp, 1);
  EXPECT_EQ(r.entities.at("US_SSN").fn, 1);
  EXPECT_EQ(r.entities.count("PERSON"), 0u);
  EXPECT_EQ(r.micro.tp, 2);
  EXPECT_EQ(r.micro.fp, 2);
  EXPECT_EQ(r.micro.fn, 1);
  const std::string js = ReportToJson(r);
  EXPECT_NE(js.find("\"micro\""), std::string::npos);
  EXPECT_NE(js.find("\"support\": 1"), std::string::npos);
}

TEST(PresidioEval, SharedDevSetMeetsTargets) {
  const auto path = testing::SharedDir() / "data/pii/presidio_generated_small.json";
  GW_REQUIRE_SHARED_FILE(path);
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  auto samples = ParsePresidioJson(ss.str());
  ASSERT_TRUE(samples.ok()) << samples.status();
  ASSERT_EQ(samples->size(), 90u);
  const Report r = Evaluate(*Builtins(), *samples);
  for (const auto& [entity, s] : r.entities) {
    EXPECT_GE(s.precision(), 0.90) << entity;
  }
  EXPECT_GE(r.entities.at("CREDIT_CARD").recall(), 0.99);
  EXPECT_GE(r.entities.at("EMAIL_ADDRESS").recall(), 0.95);
  EXPECT_GE(r.entities.at("PHONE_NUMBER").recall(), 0.95);
}

}  // namespace
}  // namespace gw::policies::eval
