#include "daemon/state.h"

#include "absl/strings/str_format.h"

namespace gw::daemon {

StreamSlot& StreamSlot::operator=(StreamSlot&& o) noexcept {
  if (this != &o) {
    Release();
    state_ = o.state_;
    key_ = std::move(o.key_);
    o.state_ = nullptr;
  }
  return *this;
}

void StreamSlot::Release() {
  if (state_ != nullptr) {
    state_->ReleaseStream(key_);
    state_ = nullptr;
  }
}

DaemonState::DaemonState(std::shared_ptr<const ConfigSnapshot> snapshot, const Clock& clock)
    : clock_(clock), started_mono_(clock.NowMonotonicMicros()), snapshot_(std::move(snapshot)) {}

std::shared_ptr<const ConfigSnapshot> DaemonState::snapshot() const {
  absl::MutexLock lock(&mu_);
  return snapshot_;
}

void DaemonState::SetSnapshot(std::shared_ptr<const ConfigSnapshot> s) {
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(s);
}

StatusOr<StreamSlot> DaemonState::AcquireStream(const std::string& principal_key, int64_t limit) {
  {
    absl::MutexLock lock(&mu_);
    int64_t& n = streams_by_principal_[principal_key];
    if (n >= limit) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "%s already has %d open streams (limits.max_concurrent_streams_per_principal); close "
          "one or retry later",
          principal_key, n));
    }
    ++n;
  }
  active_streams_.fetch_add(1);
  return StreamSlot(this, principal_key);
}

void DaemonState::ReleaseStream(const std::string& key) {
  active_streams_.fetch_sub(1);
  absl::MutexLock lock(&mu_);
  auto it = streams_by_principal_.find(key);
  if (it != streams_by_principal_.end() && --it->second <= 0) streams_by_principal_.erase(it);
}

void DaemonState::set_listeners(std::vector<std::string> l) {
  absl::MutexLock lock(&mu_);
  listeners_ = std::move(l);
}

std::vector<std::string> DaemonState::listeners() const {
  absl::MutexLock lock(&mu_);
  return listeners_;
}

void DaemonState::FillStatus(gateway::v1::StatusResponse* out) const {
  const auto snap = snapshot();
  out->set_version(GATEWAYD_VERSION);
  out->set_serving(serving());
  out->set_uptime_us((clock_.NowMonotonicMicros() - started_mono_).value());
  out->set_config_digest(snap->config.digest);
  out->set_config_source(snap->config.source);
  out->set_config_loaded_at_unix_us(snap->loaded_at_unix.value());
  out->set_active_streams(active_streams());
  out->set_requests_total(requests_total());
  for (const auto& l : listeners()) out->add_listeners(l);
  auto* c = out->add_components();
  c->set_name("config");
  c->set_ready(true);
  c->set_detail(snap->config.source);
  if (components_fn_) components_fn_(out);
}

int DaemonState::AddWatcher(Watcher w) {
  absl::MutexLock lock(&mu_);
  const int id = next_watcher_++;
  watchers_[id] = std::move(w);
  return id;
}

void DaemonState::RemoveWatcher(int id) {
  absl::MutexLock lock(&mu_);
  watchers_.erase(id);
}

void DaemonState::NotifyWatchers(bool final) {
  std::vector<Watcher> ws;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, w] : watchers_) ws.push_back(w);
  }
  for (auto& w : ws) w(final);
}

}  // namespace gw::daemon
