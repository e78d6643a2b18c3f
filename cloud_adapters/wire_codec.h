// Internal: what differs between providers — the request they expect and the stream they send.
// Each provider folder implements one WireCodec; HttpProvider (http_provider.h) does the rest.
// Thread-safety: codecs are immutable after construction and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "cloud_adapters/http/http_client.h"
#include "cloud_adapters/http/sse_parser.h"
#include "cloud_adapters/provider.h"

namespace gw::cloud {

// What a codec accumulates while decoding one response stream.
struct StreamState {
  Usage usage;
  FinishReason finish = FinishReason::kUnknown;
  bool done = false;                                // the provider's terminal event was seen
  int64_t deltas = 0;                               // text deltas emitted
  std::function<void(std::string_view)> emit_text;  // forwards a delta to the observer
  void Emit(std::string_view t) {
    if (t.empty()) return;
    ++deltas;
    if (emit_text) emit_text(t);
  }
};

class WireCodec {
 public:
  virtual ~WireCodec() = default;
  // The HTTP request for `call` (target, headers incl. credentials, JSON body).
  // INVALID_ARGUMENT if the call cannot be expressed (e.g. unknown role).
  virtual StatusOr<HttpRequest> BuildRequest(const ChatCall& call) const = 0;
  // Decodes one SSE event of a successful response into `st`. A provider error event or a
  // malformed payload returns a non-OK status (UNAVAILABLE for malformed data; the mapped code
  // for provider errors), which ends the stream.
  virtual Status OnEvent(const SseEvent& ev, StreamState& st) const = 0;
  // The human message inside an error response body ("" if none). Default: error.message.
  virtual std::string ErrorMessage(std::string_view body) const;
  // False when the provider ends a stream by closing it rather than with a terminal event.
  virtual bool needs_terminal_event() const { return true; }
};

// Maps an HTTP error status to the status code the caller acts on (provider.h table).
absl::StatusCode CodeForHttpStatus(int http_status);
// True for statuses worth retrying: 408, 429, 5xx (incl. Anthropic's 529).
bool RetryableHttpStatus(int http_status);

}  // namespace gw::cloud
