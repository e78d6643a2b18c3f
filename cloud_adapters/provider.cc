#include "cloud_adapters/provider.h"

#include <algorithm>
#include <future>
#include <map>
#include <mutex>

#include "cloud_adapters/runtime_impl.h"

namespace gw::cloud {

std::string_view FinishReasonName(FinishReason r) {
  switch (r) {
    case FinishReason::kUnknown:
      return "unknown";
    case FinishReason::kStop:
      return "stop";
    case FinishReason::kLength:
      return "length";
    case FinishReason::kStopSequence:
      return "stop_sequence";
    case FinishReason::kContentFilter:
      return "content_filter";
    case FinishReason::kToolCall:
      return "tool_call";
  }
  return "unknown";
}

std::string_view CircuitStateName(CircuitState s) {
  switch (s) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

struct CancellationToken::State {
  std::mutex mu;
  bool cancelled = false;
  uint64_t next_id = 1;
  std::map<uint64_t, std::function<void()>> callbacks;
};

CancellationToken::CancellationToken() : state_(std::make_shared<State>()) {}

void CancellationToken::Cancel() const {
  std::map<uint64_t, std::function<void()>> cbs;
  {
    std::lock_guard<std::mutex> l(state_->mu);
    if (state_->cancelled) return;
    state_->cancelled = true;
    cbs.swap(state_->callbacks);
  }
  for (auto& [id, cb] : cbs) cb();
}

bool CancellationToken::cancelled() const {
  std::lock_guard<std::mutex> l(state_->mu);
  return state_->cancelled;
}

uint64_t CancellationToken::Register(std::function<void()> cb) const {
  {
    std::lock_guard<std::mutex> l(state_->mu);
    if (!state_->cancelled) {
      uint64_t id = state_->next_id++;
      state_->callbacks.emplace(id, std::move(cb));
      return id;
    }
  }
  cb();
  return 0;
}

void CancellationToken::Unregister(uint64_t id) const {
  std::lock_guard<std::mutex> l(state_->mu);
  state_->callbacks.erase(id);
}

AdapterRuntime::Impl::Impl(Options o)
    : work(boost::asio::make_work_guard(io)), blocking(std::max(1, o.blocking_threads)) {
  for (int i = 0; i < std::max(1, o.io_threads); ++i) {
    threads.emplace_back([this] { io.run(); });
  }
}

AdapterRuntime::Impl::~Impl() {
  work.reset();
  io.stop();
  for (auto& t : threads) t.join();
  blocking.join();
}

AdapterRuntime::AdapterRuntime() : AdapterRuntime(Options{}) {}
AdapterRuntime::AdapterRuntime(Options options) : impl_(std::make_unique<Impl>(options)) {}
AdapterRuntime::~AdapterRuntime() = default;

namespace {

class WaitingObserver final : public StreamObserver {
 public:
  explicit WaitingObserver(std::function<void(std::string_view)> on_text)
      : on_text_(std::move(on_text)) {}
  void OnText(std::string_view d) override {
    if (on_text_) on_text_(d);
  }
  void OnComplete(const StreamResult& r) override { done_.set_value(r); }
  std::future<StreamResult> future() { return done_.get_future(); }

 private:
  std::function<void(std::string_view)> on_text_;
  std::promise<StreamResult> done_;
};

bool FallbackWorthy(const StreamResult& r) {
  if (r.any_text) return false;
  switch (r.status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return true;
    default:
      return false;
  }
}

// Owns itself: deleted after forwarding the final OnComplete.
class FallbackObserver final : public StreamObserver {
 public:
  FallbackObserver(std::vector<Provider*> chain, ChatCall call, StreamObserver& out,
                   CancellationToken cancel)
      : chain_(std::move(chain)), call_(std::move(call)), out_(out), cancel_(std::move(cancel)) {}
  void Start() { chain_[next_++]->Stream(call_, *this, cancel_); }
  void OnText(std::string_view d) override { out_.OnText(d); }
  void OnComplete(const StreamResult& r) override {
    if (next_ < chain_.size() && FallbackWorthy(r) && !cancel_.cancelled()) {
      Start();
      return;
    }
    out_.OnComplete(r);
    delete this;
  }

 private:
  std::vector<Provider*> chain_;
  size_t next_ = 0;
  ChatCall call_;
  StreamObserver& out_;
  CancellationToken cancel_;
};

}  // namespace

StreamResult StreamAndWait(Provider& provider, ChatCall call,
                           std::function<void(std::string_view)> on_text,
                           CancellationToken cancel) {
  WaitingObserver obs(std::move(on_text));
  auto f = obs.future();
  provider.Stream(std::move(call), obs, std::move(cancel));
  return f.get();
}

void StreamWithFallback(std::vector<Provider*> chain, ChatCall call, StreamObserver& observer,
                        CancellationToken cancel) {
  if (chain.empty()) {
    StreamResult r;
    r.status = absl::UnavailableError("no adapter to try");
    observer.OnComplete(r);
    return;
  }
  (new FallbackObserver(std::move(chain), std::move(call), observer, std::move(cancel)))->Start();
}

}  // namespace gw::cloud
