#include "daemon/request_validation.h"

#include <gtest/gtest.h>

namespace gw::daemon {
namespace {

namespace v1 = ::gateway::v1;

v1::ChatRequest Req(const std::string& text) {
  v1::ChatRequest r;
  auto* m = r.add_messages();
  m->set_role(v1::ROLE_USER);
  m->set_content(text);
  return r;
}

const std::vector<std::string> kClasses = {"public", "internal", "confidential"};

struct BadCase {
  std::string name;
  std::function<void(v1::ChatRequest*)> mutate;
  std::string message;
};

TEST(RequestValidationTest, EachBadInputHasItsExactMessage) {
  config::LimitsConfig limits;
  limits.max_prompt_bytes = 100;
  limits.max_messages = 4;
  limits.max_max_tokens = 1000;
  const std::vector<BadCase> cases = {
      {"no messages", [](v1::ChatRequest* r) { r->clear_messages(); },
       "messages: at least one message is required"},
      {"too many",
       [](v1::ChatRequest* r) {
         for (int i = 0; i < 4; ++i) *r->add_messages() = r->messages(0);
       },
       "messages: 5 messages; the limit is 4"},
      {"role unset",
       [](v1::ChatRequest* r) { r->mutable_messages(0)->set_role(v1::ROLE_UNSPECIFIED); },
       "messages[0].role: 0 is not a known role (use ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT)"},
      {"bad utf8", [](v1::ChatRequest* r) { r->mutable_messages(0)->set_content("ok\xff"); },
       "messages[0].content: invalid UTF-8 at byte offset 2"},
      {"prompt size",
       [](v1::ChatRequest* r) { r->mutable_messages(0)->set_content(std::string(101, 'a')); },
       "prompt is 101 bytes; the limit for this gateway is 100 bytes (limits.max_prompt_bytes)"},
      {"max tokens", [](v1::ChatRequest* r) { r->mutable_options()->set_max_tokens(1001); },
       "options.max_tokens: 1001 exceeds the limit 1000"},
      {"temperature", [](v1::ChatRequest* r) { r->mutable_options()->set_temperature(-1); },
       "options.temperature: must be in [0, 2]"},
      {"top_p", [](v1::ChatRequest* r) { r->mutable_options()->set_top_p(0); },
       "options.top_p: must be in (0, 1]"},
      {"stops",
       [](v1::ChatRequest* r) {
         for (int i = 0; i < 9; ++i) r->mutable_options()->add_stop("x");
       },
       "options.stop: 9 stop strings; at most 8"},
      {"empty stop", [](v1::ChatRequest* r) { r->mutable_options()->add_stop(""); },
       "options.stop[0]: must be 1..256 bytes of valid UTF-8"},
      {"label", [](v1::ChatRequest* r) { r->add_data_labels("secret"); },
       "data_labels[0]: 'secret' is not a data class of this gateway (known: public, internal, "
       "confidential)"},
      {"app id", [](v1::ChatRequest* r) { r->set_app_id("has space"); },
       "app_id: must be at most 128 bytes of printable ASCII"},
      {"idempotency", [](v1::ChatRequest* r) { r->set_idempotency_key(std::string(129, 'k')); },
       "idempotency_key: must be at most 128 bytes of printable ASCII"},
  };
  for (const auto& c : cases) {
    v1::ChatRequest r = Req("hello");
    c.mutate(&r);
    auto v = ValidateChatRequest(r, limits, kClasses);
    ASSERT_FALSE(v.ok()) << c.name;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(v.status().message(), c.message) << c.name;
  }
}

TEST(RequestValidationTest, GoodRequestYieldsSizesAndDefaults) {
  config::LimitsConfig limits;
  limits.default_max_tokens = 321;
  v1::ChatRequest r = Req("héllo");
  r.add_data_labels("internal");
  r.set_app_id("com.example.notes");
  auto v = ValidateChatRequest(r, limits, kClasses);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->prompt_bytes, 6);
  EXPECT_EQ(v->max_tokens, 321);
  r.mutable_options()->set_max_tokens(7);
  EXPECT_EQ(ValidateChatRequest(r, limits, kClasses)->max_tokens, 7);
}

TEST(RequestValidationTest, SerializedSizeLimit) {
  config::LimitsConfig limits;
  limits.max_request_bytes = 50;
  auto v = ValidateChatRequest(Req(std::string(60, 'a')), limits, kClasses);
  EXPECT_EQ(v.status().message(),
            "request is 66 bytes; the limit is 50 bytes (limits.max_request_bytes)");
}

}  // namespace
}  // namespace gw::daemon
