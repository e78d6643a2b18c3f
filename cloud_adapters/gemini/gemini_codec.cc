#include "cloud_adapters/gemini/gemini_codec.h"

#include <nlohmann/json.hpp>

namespace gw::cloud {

using nlohmann::json;

GeminiCodec::GeminiCodec(const config::AdapterConfig& config, const Url& base)
    : key_(config.api_key),
      target_(base.path + "/models/" + config.model + ":streamGenerateContent?alt=sse") {}

StatusOr<HttpRequest> GeminiCodec::BuildRequest(const ChatCall& call) const {
  json body = json::object();
  json contents = json::array();
  json system_parts = json::array();
  for (const auto& m : call.messages) {
    if (m.role == "system") {
      system_parts.push_back({{"text", m.content}});
    } else if (m.role == "user" || m.role == "assistant") {
      contents.push_back({{"role", m.role == "user" ? "user" : "model"},
                          {"parts", json::array({{{"text", m.content}}})}});
    } else {
      return absl::InvalidArgumentError("unsupported message role '" + m.role + "'");
    }
  }
  if (contents.empty()) return absl::InvalidArgumentError("no user or assistant message");
  body["contents"] = std::move(contents);
  if (!system_parts.empty()) body["systemInstruction"] = {{"parts", std::move(system_parts)}};
  json gen = json::object();
  const ChatOptions& o = call.options;
  if (o.max_tokens > 0) gen["maxOutputTokens"] = o.max_tokens;
  if (o.temperature) gen["temperature"] = *o.temperature;
  if (o.top_p) gen["topP"] = *o.top_p;
  if (!o.stop.empty()) gen["stopSequences"] = o.stop;
  if (o.seed) gen["seed"] = *o.seed;
  if (!gen.empty()) body["generationConfig"] = std::move(gen);
  HttpRequest req;
  req.target = target_;
  req.headers = {{"content-type", "application/json"},
                 {"accept", "text/event-stream"},
                 {"x-goog-api-key", key_.Reveal()}};
  req.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return req;
}

namespace {
FinishReason MapFinish(const std::string& r) {
  if (r == "STOP") return FinishReason::kStop;
  if (r == "MAX_TOKENS") return FinishReason::kLength;
  if (r == "SAFETY" || r == "RECITATION" || r == "BLOCKLIST" || r == "PROHIBITED_CONTENT" ||
      r == "SPII" || r == "IMAGE_SAFETY") {
    return FinishReason::kContentFilter;
  }
  if (r == "MALFORMED_FUNCTION_CALL" || r == "UNEXPECTED_TOOL_CALL") return FinishReason::kToolCall;
  return FinishReason::kUnknown;
}

absl::StatusCode CodeForGoogleStatus(const std::string& s) {
  if (s == "INVALID_ARGUMENT" || s == "FAILED_PRECONDITION" || s == "NOT_FOUND") {
    return absl::StatusCode::kInvalidArgument;
  }
  if (s == "UNAUTHENTICATED") return absl::StatusCode::kUnauthenticated;
  if (s == "PERMISSION_DENIED") return absl::StatusCode::kPermissionDenied;
  if (s == "RESOURCE_EXHAUSTED") return absl::StatusCode::kResourceExhausted;
  if (s == "DEADLINE_EXCEEDED") return absl::StatusCode::kDeadlineExceeded;
  return absl::StatusCode::kUnavailable;
}

int64_t Int(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}
}  // namespace

Status GeminiCodec::OnEvent(const SseEvent& ev, StreamState& st) const {
  json j = json::parse(ev.data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::UnavailableError("malformed stream event (not a JSON object)");
  }
  try {
    if (auto e = j.find("error"); e != j.end() && e->is_object()) {
      return Status(CodeForGoogleStatus(e->value("status", "")),
                    "provider error in stream: " + e->value("message", std::string("error")));
    }
    if (auto c = j.find("candidates"); c != j.end() && c->is_array() && !c->empty()) {
      const json& cand = (*c)[0];
      if (auto content = cand.find("content"); content != cand.end() && content->is_object()) {
        if (auto parts = content->find("parts"); parts != content->end() && parts->is_array()) {
          for (const auto& p : *parts) {
            if (p.value("thought", false)) continue;  // thinking summaries are not answer text
            if (auto t = p.find("text"); t != p.end() && t->is_string()) {
              st.Emit(t->get_ref<const std::string&>());
            }
          }
        }
      }
      if (auto f = cand.find("finishReason"); f != cand.end() && f->is_string()) {
        st.finish = MapFinish(f->get<std::string>());
        st.done = true;
      }
    }
    if (auto pf = j.find("promptFeedback"); pf != j.end() && pf->contains("blockReason")) {
      st.finish = FinishReason::kContentFilter;
      st.done = true;
    }
    if (auto u = j.find("usageMetadata"); u != j.end() && u->is_object()) {
      st.usage.input = TokenCount(Int(*u, "promptTokenCount"));
      st.usage.output = TokenCount(Int(*u, "candidatesTokenCount") + Int(*u, "thoughtsTokenCount"));
      st.usage.cached_input = TokenCount(Int(*u, "cachedContentTokenCount"));
      st.usage.reported = true;
    }
  } catch (const json::exception&) {
    return absl::UnavailableError("malformed stream event (unexpected field types)");
  }
  return Status();
}

}  // namespace gw::cloud
