#include "cloud_adapters/openai/openai_codec.h"

#include <nlohmann/json.hpp>

namespace gw::cloud {

using nlohmann::json;

OpenAiCodec::OpenAiCodec(Flavor flavor, const config::AdapterConfig& config, const Url& base)
    : flavor_(flavor),
      model_(config.model),
      key_(config.api_key),
      target_(flavor == Flavor::kAzure ? base.path + "/openai/deployments/" + config.deployment +
                                             "/chat/completions?api-version=" + config.api_version
                                       : base.path + "/chat/completions") {}

StatusOr<HttpRequest> OpenAiCodec::BuildRequest(const ChatCall& call) const {
  json body = json::object();
  if (flavor_ != Flavor::kAzure) body["model"] = model_;
  json msgs = json::array();
  for (const auto& m : call.messages) {
    if (m.role != "system" && m.role != "user" && m.role != "assistant") {
      return absl::InvalidArgumentError("unsupported message role '" + m.role + "'");
    }
    msgs.push_back({{"role", m.role}, {"content", m.content}});
  }
  if (msgs.empty()) return absl::InvalidArgumentError("no messages");
  body["messages"] = std::move(msgs);
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  const ChatOptions& o = call.options;
  if (o.max_tokens > 0) {
    // OpenAI deprecated max_tokens for chat models in favour of max_completion_tokens; Azure's GA
    // api-versions and compatible servers still document max_tokens.
    body[flavor_ == Flavor::kOpenAi ? "max_completion_tokens" : "max_tokens"] = o.max_tokens;
  }
  if (o.temperature) body["temperature"] = *o.temperature;
  if (o.top_p) body["top_p"] = *o.top_p;
  if (!o.stop.empty()) body["stop"] = o.stop;
  if (o.seed) body["seed"] = *o.seed;
  HttpRequest req;
  req.target = target_;
  req.headers = {{"content-type", "application/json"}, {"accept", "text/event-stream"}};
  if (!key_.empty()) {
    if (flavor_ == Flavor::kAzure) {
      req.headers.emplace_back("api-key", key_.Reveal());
    } else {
      req.headers.emplace_back("authorization", "Bearer " + key_.Reveal());
    }
  }
  req.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return req;
}

namespace {
FinishReason MapFinish(const std::string& r) {
  if (r == "stop") return FinishReason::kStop;
  if (r == "length") return FinishReason::kLength;
  if (r == "content_filter") return FinishReason::kContentFilter;
  if (r == "tool_calls" || r == "function_call") return FinishReason::kToolCall;
  return FinishReason::kUnknown;
}

absl::StatusCode CodeForErrorType(const json& e) {
  std::string type = e.is_object() && e.contains("type") && e["type"].is_string()
                         ? e["type"].get<std::string>()
                         : "";
  if (type == "invalid_request_error") return absl::StatusCode::kInvalidArgument;
  if (type == "rate_limit_exceeded" || type == "insufficient_quota" || type == "tokens") {
    return absl::StatusCode::kResourceExhausted;
  }
  return absl::StatusCode::kUnavailable;
}
}  // namespace

Status OpenAiCodec::OnEvent(const SseEvent& ev, StreamState& st) const {
  if (ev.data == "[DONE]") {
    st.done = true;
    return Status();
  }
  json j = json::parse(ev.data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::UnavailableError("malformed stream chunk (not a JSON object)");
  }
  try {
    if (auto e = j.find("error"); e != j.end() && !e->is_null()) {
      std::string msg = e->is_object() && e->contains("message") && (*e)["message"].is_string()
                            ? (*e)["message"].get<std::string>()
                            : "error event";
      return Status(CodeForErrorType(*e), "provider error in stream: " + msg);
    }
    if (auto c = j.find("choices"); c != j.end() && c->is_array()) {
      for (const auto& choice : *c) {
        if (choice.value("index", 0) != 0) continue;
        if (auto d = choice.find("delta"); d != choice.end() && d->is_object()) {
          if (auto t = d->find("content"); t != d->end() && t->is_string()) {
            st.Emit(t->get_ref<const std::string&>());
          }
        }
        if (auto f = choice.find("finish_reason"); f != choice.end() && f->is_string()) {
          st.finish = MapFinish(f->get<std::string>());
        }
      }
    }
    if (auto u = j.find("usage"); u != j.end() && u->is_object()) {
      st.usage.input = TokenCount(u->value("prompt_tokens", int64_t{0}));
      st.usage.output = TokenCount(u->value("completion_tokens", int64_t{0}));
      if (auto d = u->find("prompt_tokens_details"); d != u->end() && d->is_object()) {
        st.usage.cached_input = TokenCount(d->value("cached_tokens", int64_t{0}));
      }
      st.usage.reported = true;
    }
  } catch (const json::exception&) {
    return absl::UnavailableError("malformed stream chunk (unexpected field types)");
  }
  return Status();
}

}  // namespace gw::cloud
