#include "cloud_adapters/anthropic/anthropic_codec.h"

#include <nlohmann/json.hpp>

namespace gw::cloud {

using nlohmann::json;

AnthropicCodec::AnthropicCodec(const config::AdapterConfig& config, const Url& base)
    : model_(config.model), key_(config.api_key), target_(base.path + "/messages") {}

StatusOr<HttpRequest> AnthropicCodec::BuildRequest(const ChatCall& call) const {
  json body = json::object();
  body["model"] = model_;
  std::string system;
  json msgs = json::array();
  for (const auto& m : call.messages) {
    if (m.role == "system") {
      if (!system.empty()) system += "\n\n";
      system += m.content;
    } else if (m.role == "user" || m.role == "assistant") {
      msgs.push_back({{"role", m.role}, {"content", m.content}});
    } else {
      return absl::InvalidArgumentError("unsupported message role '" + m.role + "'");
    }
  }
  if (msgs.empty()) return absl::InvalidArgumentError("no user or assistant message");
  const ChatOptions& o = call.options;
  body["max_tokens"] = o.max_tokens > 0 ? o.max_tokens : kDefaultMaxTokens;
  body["messages"] = std::move(msgs);
  if (!system.empty()) body["system"] = system;
  if (!o.stop.empty()) body["stop_sequences"] = o.stop;
  if (o.temperature) body["temperature"] = *o.temperature;
  if (o.top_p) body["top_p"] = *o.top_p;
  body["stream"] = true;  // `seed` has no Messages API equivalent and is not sent
  HttpRequest req;
  req.target = target_;
  req.headers = {{"content-type", "application/json"},
                 {"accept", "text/event-stream"},
                 {"anthropic-version", "2023-06-01"},
                 {"x-api-key", key_.Reveal()}};
  req.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return req;
}

namespace {
FinishReason MapStop(const std::string& r) {
  if (r == "end_turn") return FinishReason::kStop;
  if (r == "max_tokens") return FinishReason::kLength;
  if (r == "stop_sequence") return FinishReason::kStopSequence;
  if (r == "tool_use") return FinishReason::kToolCall;
  if (r == "refusal") return FinishReason::kContentFilter;
  return FinishReason::kUnknown;
}

absl::StatusCode CodeForErrorType(const std::string& t) {
  if (t == "invalid_request_error" || t == "not_found_error" || t == "request_too_large") {
    return absl::StatusCode::kInvalidArgument;
  }
  if (t == "authentication_error") return absl::StatusCode::kUnauthenticated;
  if (t == "permission_error") return absl::StatusCode::kPermissionDenied;
  if (t == "rate_limit_error") return absl::StatusCode::kResourceExhausted;
  return absl::StatusCode::kUnavailable;  // api_error, overloaded_error, unknown
}

int64_t Int(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}
}  // namespace

Status AnthropicCodec::OnEvent(const SseEvent& ev, StreamState& st) const {
  json j = json::parse(ev.data, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::UnavailableError("malformed stream event (not a JSON object)");
  }
  try {
    std::string type = j.value("type", ev.type);
    if (type == "message_start") {
      const json& u = j.at("message").at("usage");
      int64_t read = Int(u, "cache_read_input_tokens");
      st.usage.input =
          TokenCount(Int(u, "input_tokens") + read + Int(u, "cache_creation_input_tokens"));
      st.usage.cached_input = TokenCount(read);
      st.usage.output = TokenCount(Int(u, "output_tokens"));
    } else if (type == "content_block_delta") {
      const json& d = j.at("delta");
      if (d.value("type", "") == "text_delta") st.Emit(d.at("text").get_ref<const std::string&>());
    } else if (type == "message_delta") {
      if (auto d = j.find("delta"); d != j.end()) {
        if (auto r = d->find("stop_reason"); r != d->end() && r->is_string()) {
          st.finish = MapStop(r->get<std::string>());
        }
      }
      if (auto u = j.find("usage"); u != j.end() && u->is_object()) {
        st.usage.output = TokenCount(Int(*u, "output_tokens"));
        st.usage.reported = true;
      }
    } else if (type == "message_stop") {
      st.done = true;
    } else if (type == "error") {
      const json& e = j.at("error");
      return Status(CodeForErrorType(e.value("type", "")),
                    "provider error in stream: " + e.value("message", std::string("error")));
    }
    // ping, content_block_start/stop and event types added later are ignored (the API's
    // versioning policy allows new event types).
  } catch (const json::exception&) {
    return absl::UnavailableError("malformed stream event (missing or mistyped fields)");
  }
  return Status();
}

}  // namespace gw::cloud
