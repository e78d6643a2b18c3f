// A loopback provider emulator for tests, benches and the demo: an HTTP/1.1 (optionally TLS)
// server on Boost.Beast that speaks the streaming wire formats of OpenAI Chat Completions (also
// Azure OpenAI and OpenAI-compatible servers), Anthropic Messages and Gemini
// streamGenerateContent (alt=sse), as documented by the providers (see docs/adapters.md), and
// that can be scripted to fail. It records every byte it receives, so tests can prove what did
// (or did not) leave the gateway.
//
// Threads: one acceptor thread and one thread per connection (test code; simplicity over
// scale). ProviderEmulator and ConnectProxy are thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace gw::emulator {

enum class Wire { kOpenAi, kAnthropic, kGemini };
// "openai", "azure_openai", "openai_compatible" → kOpenAi; "anthropic"; "gemini".
StatusOr<Wire> ParseWire(std::string_view name);

// One scripted behaviour, consumed by the next request (requests beyond the script succeed).
struct Fault {
  enum class Kind {
    kNone,                 // a normal streamed answer
    kHttpStatus,           // an error response with the provider's error JSON
    kResetBeforeResponse,  // TCP RST after reading the request
    kResetMidStream,       // RST after `after_deltas` text deltas
    kSlowChunks,           // `delay_ms` between events (the answer completes)
    kStallMidStream,       // stop sending after `after_deltas` deltas until Stop()
    kMalformedJson,        // a non-JSON data line after `after_deltas` deltas
    kWrongContentType,     // 200 with text/html
    kCutStream,            // clean end of the body after `after_deltas` deltas, no terminal event
  };
  Kind kind = Kind::kNone;
  int http_status = 0;
  std::string retry_after;  // Retry-After header value, if any
  int after_deltas = 1;
  int delay_ms = 0;
};

// Parses a comma-separated script, e.g. "429:1,500,503,reset_before,reset_mid:2,slow:20,
// stall:1,malformed:0,wrong_type,cut:2,ok". "NNN[:retry_after]" is an HTTP status.
// INVALID_ARGUMENT naming the bad item otherwise.
StatusOr<std::vector<Fault>> ParseScript(std::string_view script);

struct EmulatorOptions {
  Wire wire = Wire::kOpenAi;
  std::string address = "127.0.0.1";
  uint16_t port = 0;     // 0 = any free port
  std::string cert_pem;  // empty = plain HTTP
  std::string key_pem;
  std::vector<std::string> reply = {"Hello", ", ", "world", "!"};
  int64_t input_tokens = 12;  // total prompt tokens reported (cached included)
  int64_t cached_tokens = 3;
  int64_t output_tokens = 4;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class ProviderEmulator {
 public:
  explicit ProviderEmulator(EmulatorOptions options);
  ~ProviderEmulator();  // Stop()
  // Binds and starts accepting. INTERNAL/UNAVAILABLE if the address cannot be bound or the
  // certificate does not load.
  Status Start();
  void Stop();
  uint16_t port() const { return port_.load(); }

  void PushFault(const Fault& f);
  void SetScript(std::vector<Fault> faults);

  std::vector<RecordedRequest> requests() const;
  std::string received_bytes() const;  // every byte read from every connection, in order
  int connections() const { return connections_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<uint16_t> port_{0};
  std::atomic<int> connections_{0};
};

// An HTTP CONNECT proxy (RFC 9110 section 9.3.6) on loopback that tunnels to the requested
// host:port, or refuses every CONNECT with `refuse_status`.
class ConnectProxy {
 public:
  explicit ConnectProxy(int refuse_status = 0);  // 0 = tunnel
  ~ConnectProxy();
  Status Start();
  void Stop();
  uint16_t port() const { return port_.load(); }
  std::vector<std::string> connect_targets() const;  // "host:port" of each CONNECT seen

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<uint16_t> port_{0};
};

}  // namespace gw::emulator
