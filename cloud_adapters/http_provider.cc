#include "cloud_adapters/http_provider.h"

#include <openssl/rand.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "absl/strings/str_cat.h"
#include "cloud_adapters/runtime_impl.h"
#include "cloud_adapters/strings.h"
#include "common/logging.h"

namespace gw::cloud {

namespace asio = boost::asio;
using Clk = std::chrono::steady_clock;

std::string WireCodec::ErrorMessage(std::string_view body) const {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return "";
  if (j.is_array() && !j.empty()) j = j[0];  // Gemini sometimes wraps errors in an array
  if (!j.is_object()) return "";
  auto e = j.find("error");
  if (e == j.end()) return "";
  if (e->is_string()) return e->get<std::string>();
  if (e->is_object()) {
    auto m = e->find("message");
    if (m != e->end() && m->is_string()) return m->get<std::string>();
  }
  return "";
}

absl::StatusCode CodeForHttpStatus(int s) {
  switch (s) {
    case 400:
    case 404:
    case 413:
    case 422:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 408:
      return absl::StatusCode::kDeadlineExceeded;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      if (s >= 500) return absl::StatusCode::kUnavailable;
      if (s >= 400) return absl::StatusCode::kInvalidArgument;
      return absl::StatusCode::kUnavailable;  // 1xx/3xx: not something we follow
  }
}

bool RetryableHttpStatus(int s) { return s == 408 || s == 429 || s >= 500; }

namespace {

void ReplaceAll(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  size_t pos = 0;
  while ((pos = s.find(what, pos)) != std::string::npos) {
    s.replace(pos, what.size(), with);
    pos += with.size();
  }
}

bool InPrompt(std::string_view frag, const ChatCall& call) {
  for (const auto& m : call.messages) {
    if (m.content.find(frag) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string ScrubProviderMessage(std::string_view msg, const Secret& key, const ChatCall& call) {
  std::string s(msg.substr(0, 4096));
  if (key.Reveal().size() >= 4) ReplaceAll(s, key.Reveal(), "<redacted>");
  // Key-shaped tokens (another key echoed back, or a partially masked one).
  for (std::string_view prefix : {"sk-", "sk_", "AIza"}) {
    size_t pos = 0;
    while ((pos = s.find(prefix, pos)) != std::string::npos) {
      size_t end = pos;
      while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '-' ||
                                s[end] == '_' || s[end] == '*' || s[end] == '.')) {
        ++end;
      }
      if (end - pos >= 8) {
        s.replace(pos, end - pos, "<redacted>");
        pos += 10;
      } else {
        pos = end;
      }
    }
  }
  for (const auto& m : call.messages) {
    if (m.content.size() >= 4) ReplaceAll(s, m.content, "<prompt>");
  }
  // Quoted fragments that come from the prompt.
  for (char q : {'\'', '"', '`'}) {
    size_t pos = 0;
    while ((pos = s.find(q, pos)) != std::string::npos) {
      size_t end = s.find(q, pos + 1);
      if (end == std::string::npos) break;
      std::string_view frag(s.data() + pos + 1, end - pos - 1);
      if (frag.size() >= 3 && InPrompt(frag, call)) {
        s.replace(pos + 1, frag.size(), "<prompt>");
        end = pos + 1 + 8;
      }
      pos = end + 1;
    }
  }
  if (s.size() > 300) {
    s.resize(300);
    s += "...";
  }
  return s;
}

namespace {

// Everything a provider shares with its in-flight calls (kept alive by them).
struct Core {
  config::AdapterConfig config;
  AdapterRuntime::Impl* rt = nullptr;
  std::unique_ptr<WireCodec> codec;
  std::unique_ptr<HttpClient> client;
  ProviderOptions options;
  const Clock* clock = nullptr;
  std::unique_ptr<CircuitBreaker> breaker;
  std::string host;
  std::mutex rng_mu;
  std::mt19937_64 rng;
};

// One attempt's response handling: status check, SSE decoding, error body collection.
class AttemptSink : public ResponseSink {
 public:
  AttemptSink(const WireCodec& codec, StreamState& st) : codec_(codec), st_(st) {}

  Status OnHeaders(int http_status, const HeaderMap& headers) override {
    http_status_ = http_status;
    headers_ = headers;
    if (http_status < 200 || http_status >= 300) return Status();
    auto ct = headers.find("content-type");
    std::string type = ct == headers.end() ? "" : str::Lower(ct->second);
    if (!type.starts_with("text/event-stream")) {
      return absl::UnavailableError("provider answered with content type '" + type.substr(0, 64) +
                                    "', expected text/event-stream");
    }
    return Status();
  }

  Status OnBody(std::string_view bytes) override {
    if (http_status_ < 200 || http_status_ >= 300) {
      if (error_body_.size() < 64 * 1024) error_body_.append(bytes.substr(0, 64 * 1024));
      return Status();
    }
    Status event_status;
    Status s = sse_.Feed(bytes, [&](const SseEvent& ev) {
      if (!event_status.ok() || st_.done) return;
      event_status = codec_.OnEvent(ev, st_);
    });
    if (!s.ok()) return absl::UnavailableError(s.message());
    return event_status;
  }

  int http_status() const { return http_status_; }
  const HeaderMap& headers() const { return headers_; }
  const std::string& error_body() const { return error_body_; }

 private:
  const WireCodec& codec_;
  StreamState& st_;
  SseParser sse_;
  int http_status_ = 0;
  HeaderMap headers_;
  std::string error_body_;
};

asio::awaitable<Status> RunHook(const BeforeSendHook* hook, std::string host,
                                const std::string* body) {
  try {
    co_return (*hook)(host, *body);
  } catch (const std::exception& e) {
    co_return absl::InternalError("before-send hook threw");
  }
}

// Waits `d` unless cancelled; false if cancelled.
asio::awaitable<bool> Sleep(Micros d, CancellationToken cancel) {
  auto ex = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(ex);
  timer->expires_after(std::chrono::microseconds(d.value()));
  auto alive = std::make_shared<std::atomic<bool>>(true);
  uint64_t reg = cancel.Register([timer, alive, ex] {
    asio::post(ex, [timer, alive] {
      if (alive->load()) timer->cancel();
    });
  });
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  alive->store(false);
  cancel.Unregister(reg);
  co_return !cancel.cancelled();
}

std::string Prefix(const Core& core) {
  return absl::StrCat("adapter '", core.config.name, "' (", core.config.type, "): ");
}

asio::awaitable<void> RunCall(std::shared_ptr<Core> core, ChatCall call, StreamObserver* observer,
                              CancellationToken cancel) {
  StreamResult result;
  result.adapter = core->config.name;
  const std::string& rid = call.request_id.str();
  bool attempted = false;
  auto finish = [&](Status s) {
    result.status = std::move(s);
    if (attempted) {
      absl::StatusCode c = result.status.code();
      if (c == absl::StatusCode::kUnavailable || c == absl::StatusCode::kDeadlineExceeded) {
        core->breaker->RecordFailure();
      } else if (c != absl::StatusCode::kCancelled) {
        core->breaker->RecordSuccess();  // the provider answered (429 and 4xx included)
      } else {
        core->breaker->Release();
      }
    } else {
      core->breaker->Release();
    }
    observer->OnComplete(result);
  };
  try {
    if (!core->breaker->Allow()) {
      result.status = absl::UnavailableError(Prefix(*core) + "circuit open");
      observer->OnComplete(result);
      co_return;
    }
    if (cancel.cancelled()) {
      finish(absl::CancelledError("cancelled"));
      co_return;
    }
    auto req = core->codec->BuildRequest(call);
    if (!req.ok()) {
      finish(Status(req.status().code(), Prefix(*core) + std::string(req.status().message())));
      co_return;
    }
    req->headers.emplace_back("x-request-id", rid);
    if (call.on_before_send) {
      Status hs = co_await asio::co_spawn(core->rt->blocking.get_executor(),
                                          RunHook(&call.on_before_send, core->host, &req->body),
                                          asio::use_awaitable);
      if (!hs.ok()) {
        finish(hs);
        co_return;
      }
    }
    attempted = true;
    const auto deadline =
        Clk::now() + std::chrono::microseconds(core->config.timeouts.total.value());
    for (int attempt = 1;; ++attempt) {
      result.attempts = attempt;
      StreamState st;
      st.emit_text = [&](std::string_view t) {
        result.any_text = true;
        observer->OnText(t);
      };
      AttemptSink sink(*core->codec, st);
      ExchangeResult r = co_await core->client->Send(*req, sink, deadline, cancel);
      result.finish = st.finish;
      result.usage = st.usage;
      if (!result.usage.reported && result.usage.output.value() < st.deltas) {
        // Cut before the provider's usage: one token per delta is the known lower bound.
        result.usage.output = TokenCount(st.deltas);
      }
      Status s = r.status;
      bool retryable = r.retryable;
      std::optional<Micros> retry_after;
      if (s.ok()) {
        int hs = sink.http_status();
        if (hs < 200 || hs >= 300) {
          std::string msg = ScrubProviderMessage(core->codec->ErrorMessage(sink.error_body()),
                                                 core->config.api_key, call);
          s = Status(CodeForHttpStatus(hs),
                     absl::StrCat(Prefix(*core), "HTTP ", hs, msg.empty() ? "" : ": ", msg));
          retryable = RetryableHttpStatus(hs);
          if (auto ra = sink.headers().find("retry-after"); ra != sink.headers().end()) {
            retry_after = ParseRetryAfter(ra->second, core->clock->NowUnixMicros());
          }
        } else if (!st.done && core->codec->needs_terminal_event()) {
          s = absl::UnavailableError(Prefix(*core) + "stream ended before the provider finished");
          retryable = true;
        } else if (st.finish == FinishReason::kUnknown && !core->codec->needs_terminal_event() &&
                   st.deltas == 0) {
          s = absl::UnavailableError(Prefix(*core) + "stream ended without an answer");
          retryable = true;
        }
      } else if (s.code() != absl::StatusCode::kCancelled &&
                 !std::string(s.message()).starts_with("adapter '")) {
        s = Status(s.code(), Prefix(*core) + std::string(s.message()));
      }
      if (s.ok()) {
        finish(Status());
        co_return;
      }
      if (cancel.cancelled()) {
        finish(absl::CancelledError("cancelled"));
        co_return;
      }
      if (result.any_text) {
        // Never retry once the client has seen text: the answer would be duplicated.
        finish(Status(s.code(), std::string(s.message()) + " (after " + std::to_string(st.deltas) +
                                    " deltas)"));
        co_return;
      }
      if (!retryable || attempt > core->config.max_retries) {
        finish(s);
        co_return;
      }
      Micros wait;
      {
        std::lock_guard<std::mutex> l(core->rng_mu);
        wait = Backoff(core->options.retry, attempt, core->rng);
      }
      if (retry_after && *retry_after > wait) wait = *retry_after;
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clk::now());
      if (wait.value() >= left.count()) {
        finish(Status(s.code(), std::string(s.message()) + " (retry budget exhausted)"));
        co_return;
      }
      log::Warn(rid, "adapter {} attempt {} failed with {}; retrying in {} us", core->config.name,
                attempt, absl::StatusCodeToString(s.code()), wait.value());
      result.total_backoff += wait;
      if (!co_await Sleep(wait, cancel)) {
        finish(absl::CancelledError("cancelled"));
        co_return;
      }
    }
  } catch (const std::exception& e) {
    finish(absl::InternalError(Prefix(*core) + "internal error: " + e.what()));
  }
}

class HttpProvider final : public Provider {
 public:
  explicit HttpProvider(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  const config::AdapterConfig& config() const override { return core_->config; }
  std::string host() const override { return core_->host; }
  CircuitState circuit_state() const override { return core_->breaker->state(); }
  void Stream(ChatCall call, StreamObserver& observer, CancellationToken cancel) override {
    asio::co_spawn(asio::make_strand(core_->rt->io),
                   RunCall(core_, std::move(call), &observer, std::move(cancel)), asio::detached);
  }

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace

StatusOr<std::unique_ptr<Provider>> MakeHttpProvider(const config::AdapterConfig& config,
                                                     AdapterRuntime& runtime,
                                                     const ProviderOptions& options,
                                                     std::unique_ptr<WireCodec> codec,
                                                     const Url& base) {
  auto core = std::make_shared<Core>();
  core->config = config;
  core->rt = &runtime.impl();
  core->codec = std::move(codec);
  core->options = options;
  core->clock = options.clock ? options.clock : &SystemClock::Get();
  core->breaker = std::make_unique<CircuitBreaker>(options.breaker, *core->clock);
  core->host = base.host;
  uint64_t seed = options.jitter_seed;
  if (seed == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof(seed));
  core->rng.seed(seed);
  EnvLookup env = options.env ? EnvLookup(options.env) : EnvLookup(&GetEnv);
  GW_ASSIGN_OR_RETURN(std::optional<Url> proxy, ProxyFor(base, config.proxy, env));
  std::shared_ptr<asio::ssl::context> tls;
  if (base.tls()) {
    GW_ASSIGN_OR_RETURN(tls, MakeClientTlsContext(config.ca_file));
  }
  HttpTimeouts to;
  to.connect = std::chrono::microseconds(config.timeouts.connect.value());
  to.first_byte = std::chrono::microseconds(config.timeouts.first_byte.value());
  to.idle = std::chrono::microseconds(config.timeouts.idle.value());
  core->client = std::make_unique<HttpClient>(core->rt->io, base, proxy, tls, to);
  return std::unique_ptr<Provider>(new HttpProvider(std::move(core)));
}

}  // namespace gw::cloud
