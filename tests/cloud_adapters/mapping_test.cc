// Request/response mapping per provider against fixtures written from the providers' documented
// formats (tests/cloud_adapters/fixtures/, sources in docs/adapters.md).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cloud_adapters/anthropic/anthropic_codec.h"
#include "cloud_adapters/gemini/gemini_codec.h"
#include "cloud_adapters/http_provider.h"
#include "cloud_adapters/openai/openai_codec.h"

namespace gw::cloud {
namespace {

using nlohmann::json;

std::string Fixture(const std::string& name) {
  std::ifstream f(std::string(GW_ADAPTER_FIXTURES) + "/" + name, std::ios::binary);
  EXPECT_TRUE(f) << name;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

ChatCall SampleCall() {
  ChatCall c;
  c.request_id = RequestId("0123456789abcdef0123456789abcdef");
  c.messages = {{"system", "You are terse."},
                {"user", "Name a prime."},
                {"assistant", "2"},
                {"user", "Another."}};
  c.options.max_tokens = 64;
  c.options.temperature = 0.5;
  c.options.top_p = 0.9;
  c.options.stop = {"\n\n", "END"};
  c.options.seed = 7;
  return c;
}

config::AdapterConfig Config(const char* type, const char* model) {
  config::AdapterConfig a;
  a.name = std::string("test-") + type;
  a.type = type;
  a.model = model;
  a.api_key = Secret("sk-test-key-0123456789");
  return a;
}

std::string Header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

struct Decoded {
  std::string text;
  StreamState st;
  Status status;
};

Decoded Decode(const WireCodec& codec, const std::string& stream) {
  Decoded d;
  d.st.emit_text = [&](std::string_view t) { d.text += t; };
  SseParser p;
  Status s = p.Feed(stream, [&](const SseEvent& ev) {
    if (d.status.ok()) d.status = codec.OnEvent(ev, d.st);
  });
  if (d.status.ok()) d.status = s;
  return d;
}

TEST(OpenAiMapping, RequestAndStream) {
  OpenAiCodec codec(OpenAiCodec::Flavor::kOpenAi, Config("openai", "gpt-4o-mini"),
                    *ParseUrl("https://api.openai.com/v1"));
  auto req = codec.BuildRequest(SampleCall());
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->target, "/v1/chat/completions");
  EXPECT_EQ(Header(*req, "authorization"), "Bearer sk-test-key-0123456789");
  EXPECT_EQ(json::parse(req->body), json::parse(Fixture("openai_request.json")));
  Decoded d = Decode(codec, Fixture("openai_stream.sse"));
  ASSERT_TRUE(d.status.ok()) << d.status;
  EXPECT_EQ(d.text, "Three (3).");
  EXPECT_TRUE(d.st.done);
  EXPECT_EQ(d.st.finish, FinishReason::kLength);
  EXPECT_TRUE(d.st.usage.reported);
  EXPECT_EQ(d.st.usage.input.value(), 31);
  EXPECT_EQ(d.st.usage.output.value(), 4);
  EXPECT_EQ(d.st.usage.cached_input.value(), 16);
}

TEST(AzureMapping, DeploymentUrlAndApiKeyHeader) {
  auto cfg = Config("azure_openai", "");
  cfg.deployment = "gpt4o-eu";
  cfg.api_version = "2024-10-21";
  cfg.region = "westeurope";
  OpenAiCodec codec(OpenAiCodec::Flavor::kAzure, cfg, *ParseUrl("https://res.openai.azure.com"));
  auto req = codec.BuildRequest(SampleCall());
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->target, "/openai/deployments/gpt4o-eu/chat/completions?api-version=2024-10-21");
  EXPECT_EQ(Header(*req, "api-key"), "sk-test-key-0123456789");
  EXPECT_EQ(Header(*req, "authorization"), "<absent>");
  EXPECT_EQ(json::parse(req->body), json::parse(Fixture("azure_request.json")));
}

TEST(CompatibleMapping, OptionalKeyAndMaxTokens) {
  auto cfg = Config("openai_compatible", "qwen2.5-7b-instruct");
  cfg.api_key = Secret();
  OpenAiCodec codec(OpenAiCodec::Flavor::kCompatible, cfg, *ParseUrl("http://127.0.0.1:8000/v1"));
  auto req = codec.BuildRequest(SampleCall());
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->target, "/v1/chat/completions");
  EXPECT_EQ(Header(*req, "authorization"), "<absent>");
  EXPECT_EQ(json::parse(req->body), json::parse(Fixture("compatible_request.json")));
}

TEST(AnthropicMapping, RequestAndStream) {
  AnthropicCodec codec(Config("anthropic", "claude-sonnet-4-5"),
                       *ParseUrl("https://api.anthropic.com/v1"));
  auto req = codec.BuildRequest(SampleCall());
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->target, "/v1/messages");
  EXPECT_EQ(Header(*req, "x-api-key"), "sk-test-key-0123456789");
  EXPECT_EQ(Header(*req, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(json::parse(req->body), json::parse(Fixture("anthropic_request.json")));
  Decoded d = Decode(codec, Fixture("anthropic_stream.sse"));
  ASSERT_TRUE(d.status.ok()) << d.status;
  EXPECT_EQ(d.text, "Three (3).");
  EXPECT_TRUE(d.st.done);
  EXPECT_EQ(d.st.finish, FinishReason::kStopSequence);
  EXPECT_EQ(d.st.usage.input.value(), 37);  // 25 uncached + 2 cache writes + 10 cache reads
  EXPECT_EQ(d.st.usage.cached_input.value(), 10);
  EXPECT_EQ(d.st.usage.output.value(), 5);
}

TEST(AnthropicMapping, DefaultMaxTokensAndNoSystem) {
  AnthropicCodec codec(Config("anthropic", "m"), *ParseUrl("https://api.anthropic.com/v1"));
  ChatCall c;
  c.messages = {{"user", "hi"}};
  auto req = codec.BuildRequest(c);
  ASSERT_TRUE(req.ok());
  json b = json::parse(req->body);
  EXPECT_EQ(b["max_tokens"], AnthropicCodec::kDefaultMaxTokens);
  EXPECT_FALSE(b.contains("system"));
}

TEST(GeminiMapping, RequestAndStream) {
  GeminiCodec codec(Config("gemini", "gemini-2.0-flash"),
                    *ParseUrl("https://generativelanguage.googleapis.com/v1beta"));
  auto req = codec.BuildRequest(SampleCall());
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->target, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  EXPECT_EQ(Header(*req, "x-goog-api-key"), "sk-test-key-0123456789");
  EXPECT_EQ(json::parse(req->body), json::parse(Fixture("gemini_request.json")));
  Decoded d = Decode(codec, Fixture("gemini_stream.sse"));
  ASSERT_TRUE(d.status.ok()) << d.status;
  EXPECT_EQ(d.text, "Three (3).");
  EXPECT_EQ(d.st.finish, FinishReason::kLength);
  EXPECT_EQ(d.st.usage.input.value(), 31);
  EXPECT_EQ(d.st.usage.output.value(), 4);
  EXPECT_EQ(d.st.usage.cached_input.value(), 16);
}

TEST(Mapping, CorruptEventsGiveExactErrors) {
  OpenAiCodec oa(OpenAiCodec::Flavor::kOpenAi, Config("openai", "m"),
                 *ParseUrl("https://api.openai.com/v1"));
  AnthropicCodec an(Config("anthropic", "m"), *ParseUrl("https://api.anthropic.com/v1"));
  GeminiCodec ge(Config("gemini", "m"), *ParseUrl("https://g.example/v1beta"));
  struct Bad {
    const WireCodec* codec;
    std::string data;
    absl::StatusCode code;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {&oa, "{not json", absl::StatusCode::kUnavailable,
       "malformed stream chunk (not a JSON object)"},
      {&oa, "[1,2]", absl::StatusCode::kUnavailable, "malformed stream chunk (not a JSON object)"},
      {&oa, R"({"choices":[{"index":"zero"}]})", absl::StatusCode::kUnavailable,
       "malformed stream chunk (unexpected field types)"},
      {&oa, R"({"error":{"message":"overloaded","type":"server_error"}})",
       absl::StatusCode::kUnavailable, "provider error in stream: overloaded"},
      {&an, R"({"type":"message_start","message":{}})", absl::StatusCode::kUnavailable,
       "malformed stream event (missing or mistyped fields)"},
      {&an, R"({"type":"content_block_delta","delta":{"type":"text_delta","text":5}})",
       absl::StatusCode::kUnavailable, "malformed stream event (missing or mistyped fields)"},
      {&an, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
       absl::StatusCode::kUnavailable, "provider error in stream: Overloaded"},
      {&an, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})",
       absl::StatusCode::kResourceExhausted, "provider error in stream: slow down"},
      {&ge, "\"text\"", absl::StatusCode::kUnavailable,
       "malformed stream event (not a JSON object)"},
      {&ge, R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}})",
       absl::StatusCode::kResourceExhausted, "provider error in stream: quota"},
  };
  for (const auto& b : bad) {
    StreamState st;
    SseEvent ev;
    ev.type = "message";
    ev.data = b.data;
    Status s = b.codec->OnEvent(ev, st);
    EXPECT_EQ(s.code(), b.code) << b.data;
    EXPECT_EQ(s.message(), b.message) << b.data;
  }
}

TEST(Mapping, UnsupportedRoleIsInvalidArgument) {
  OpenAiCodec oa(OpenAiCodec::Flavor::kOpenAi, Config("openai", "m"),
                 *ParseUrl("https://api.openai.com/v1"));
  ChatCall c;
  c.messages = {{"tool", "x"}};
  auto r = oa.BuildRequest(c);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "unsupported message role 'tool'");
}

TEST(Scrub, RemovesKeyKeyShapedTokensAndQuotedPrompt) {
  ChatCall c;
  c.messages = {{"user", "my card is 4111 1111 1111 1111 please"}};
  std::string s = ScrubProviderMessage(
      "Incorrect API key provided: sk-live-abcdefgh1234. Bad 'card is 4111' and "
      "full: my card is 4111 1111 1111 1111 please; other sk-proj-zzzzzzzzzz",
      Secret("sk-live-abcdefgh1234"), c);
  EXPECT_EQ(s.find("abcdefgh1234"), std::string::npos) << s;
  EXPECT_EQ(s.find("4111"), std::string::npos) << s;
  EXPECT_EQ(s.find("zzzzzzzzzz"), std::string::npos) << s;
  EXPECT_NE(s.find("Incorrect API key provided"), std::string::npos) << s;
}

}  // namespace
}  // namespace gw::cloud
