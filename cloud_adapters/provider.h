// Cloud provider clients behind one streaming interface (DESIGN.md "cloud_adapters").
//
// A Provider sends one chat call to a cloud model over HTTPS and streams the answer back to a
// StreamObserver: text deltas as they arrive, then exactly one OnComplete with the final status,
// finish reason and token usage. Providers are created from config by cloud_adapters/registry.h
// and run on an AdapterRuntime (one io_context with a small fixed thread pool shared by every
// adapter; no thread per request).
//
// Egress hook: ChatCall::on_before_send receives the host and the exact request body bytes that
// will be written, before the connection is opened. The audit module makes its egress record
// durable there; if the hook returns an error nothing is sent and the call completes with that
// status. The hook runs on the runtime's blocking pool (never on an I/O thread), once per
// Stream() call (retries resend the same bytes to the same host).
//
// Error codes in StreamResult::status (CONVENTIONS.md "Errors"):
//   UNAVAILABLE         connection failure, TLS failure, 5xx/529, circuit open, malformed reply
//   RESOURCE_EXHAUSTED  HTTP 429 after the retry budget (or a Retry-After beyond it)
//   INVALID_ARGUMENT    HTTP 400/404/413/422 or a call the provider cannot express
//   UNAUTHENTICATED     HTTP 401;  PERMISSION_DENIED  HTTP 403
//   DEADLINE_EXCEEDED   connect / first-byte / idle-gap / total timeout
//   CANCELLED           the CancellationToken fired
// Messages carry the provider's own error text scrubbed of the API key and of prompt text.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/units.h"
#include "config/config.h"

namespace gw::cloud {

// One chat message. `role` is "system", "user" or "assistant"; content is UTF-8 text.
struct Message {
  std::string role;
  std::string content;
};

// Generation options. Unset optionals are not sent (the provider default applies).
struct ChatOptions {
  int64_t max_tokens = 0;  // tokens; 0 = provider default (Anthropic requires one: 4096 is sent)
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::vector<std::string> stop;  // stop sequences
  std::optional<int64_t> seed;    // sent where supported (OpenAI, Azure, compatible, Gemini)
};

// Called with (host, exact request body) before any byte is sent; a non-OK status aborts the
// call with that status and nothing is sent. Must be thread-safe; may block (fsync).
using BeforeSendHook = std::function<Status(std::string_view host, std::string_view body)>;

struct ChatCall {
  RequestId request_id;  // appears in logs and in the x-request-id header sent upstream
  std::vector<Message> messages;
  ChatOptions options;
  BeforeSendHook on_before_send;  // optional
};

enum class FinishReason {
  kUnknown,        // stream ended without a reason (e.g. cut short)
  kStop,           // natural end of turn
  kLength,         // max_tokens reached
  kStopSequence,   // a stop sequence matched
  kContentFilter,  // provider safety filter
  kToolCall,       // the model asked for a tool
};
std::string_view FinishReasonName(FinishReason r);

// Token usage as far as known. `reported` is false when the provider never sent usage (e.g. a
// stream cut before its usage event); counts seen so far are still filled in.
struct Usage {
  TokenCount input;         // all prompt tokens, cached ones included
  TokenCount output;        // completion tokens
  TokenCount cached_input;  // prompt tokens served from the provider's cache (subset of input)
  bool reported = false;
};

struct StreamResult {
  Status status;  // OK = the provider finished the answer
  FinishReason finish = FinishReason::kUnknown;
  Usage usage;
  int attempts = 0;         // HTTP attempts made (1 + retries)
  bool any_text = false;    // at least one delta reached the observer
  Micros total_backoff{0};  // time spent waiting between attempts
  std::string adapter;      // name of the adapter that produced this result
};

// Receives one stream. OnText is called zero or more times, then OnComplete exactly once; calls
// are serialized (never concurrent) and run on a runtime I/O thread, so they must not block.
// The observer is borrowed: it must stay alive until OnComplete has returned.
class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  virtual void OnText(std::string_view delta) = 0;
  virtual void OnComplete(const StreamResult& result) = 0;
};

// Cooperative cancellation shared between the caller (e.g. the gRPC handler whose client went
// away) and a stream. Copies share state. Thread-safe.
class CancellationToken {
 public:
  CancellationToken();
  // Fires every registered callback once (on the calling thread). Idempotent.
  void Cancel() const;
  bool cancelled() const;
  // Registers `cb` to run on Cancel(); runs it immediately if already cancelled. Returns an id for
  // Unregister. Callbacks must be quick and thread-safe.
  uint64_t Register(std::function<void()> cb) const;
  void Unregister(uint64_t id) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

enum class CircuitState { kClosed, kOpen, kHalfOpen };
std::string_view CircuitStateName(CircuitState s);

// The shared I/O machinery for all adapters: one io_context run by `io_threads` threads, and a
// small pool for blocking hooks. Destruction stops and joins the threads; destroy providers first.
// Thread-safe.
class AdapterRuntime {
 public:
  struct Options {
    int io_threads = 2;
    int blocking_threads = 1;
  };
  AdapterRuntime();
  explicit AdapterRuntime(Options options);
  ~AdapterRuntime();
  AdapterRuntime(const AdapterRuntime&) = delete;
  AdapterRuntime& operator=(const AdapterRuntime&) = delete;

  struct Impl;  // defined in cloud_adapters/runtime_impl.h
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// A configured cloud adapter. Thread-safe: Stream may be called concurrently.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual const config::AdapterConfig& config() const = 0;
  const std::string& name() const { return config().name; }
  // The host requests go to (residency and audit records use it).
  virtual std::string host() const = 0;
  virtual CircuitState circuit_state() const = 0;
  // Starts one streamed call and returns at once; results arrive on `observer` (borrowed until
  // OnComplete). Never throws. Retries 429/5xx/connection failures with exponential backoff and
  // jitter honouring Retry-After, within max_retries and the total timeout, and never after a
  // delta reached the observer.
  virtual void Stream(ChatCall call, StreamObserver& observer, CancellationToken cancel) = 0;
};

// Convenience for callers that may block (CLI, tests; never an I/O thread): runs Stream and waits.
// `on_text` (optional) sees each delta.
StreamResult StreamAndWait(Provider& provider, ChatCall call,
                           std::function<void(std::string_view)> on_text = {},
                           CancellationToken cancel = {});

// The fallback chain helper the router calls: tries `chain` in order (e.g. the primary adapter
// then AdapterConfig::fallback resolved to providers), moving on only when an attempt failed
// with UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED before any delta reached `observer`.
// on_before_send is called again for each adapter tried (with its host). `chain` entries are
// borrowed and must outlive OnComplete. OnComplete reports the last adapter tried.
void StreamWithFallback(std::vector<Provider*> chain, ChatCall call, StreamObserver& observer,
                        CancellationToken cancel);

}  // namespace gw::cloud
