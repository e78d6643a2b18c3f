// Shared daemon state that the gRPC services read: the active config snapshot, counters,
// per-principal stream slots and status watchers.
//
// Thread-safety: DaemonState is thread-safe. A ConfigSnapshot is immutable; requests take a
// shared_ptr to the snapshot active when they started and finish on it even if a reload swaps in
// a new one (DESIGN: "in-flight ones finish on the old").
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_log.h"
#include "common/clock.h"
#include "config/config.h"
#include "daemon/identity.h"
#include "daemon/unix_listener.h"
#include "gateway/v1/gateway.pb.h"

namespace gw::daemon {

struct ConfigSnapshot {
  ConfigSnapshot(config::Config c, uid_t daemon_uid, Micros loaded_at)
      : config(std::move(c)), identity(config.identity, daemon_uid), loaded_at_unix(loaded_at) {}
  const config::Config config;
  const IdentityResolver identity;
  const Micros loaded_at_unix;  // when it was loaded, microseconds since the Unix epoch
};

class DaemonState;

// One held stream slot of a principal; released on destruction. Movable, not copyable.
class StreamSlot {
 public:
  StreamSlot() = default;
  StreamSlot(DaemonState* state, std::string key) : state_(state), key_(std::move(key)) {}
  StreamSlot(StreamSlot&& o) noexcept : state_(o.state_), key_(std::move(o.key_)) {
    o.state_ = nullptr;
  }
  StreamSlot& operator=(StreamSlot&& o) noexcept;
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;
  ~StreamSlot() { Release(); }
  void Release();

 private:
  DaemonState* state_ = nullptr;
  std::string key_;
};

class DaemonState {
 public:
  DaemonState(std::shared_ptr<const ConfigSnapshot> snapshot, const Clock& clock);

  std::shared_ptr<const ConfigSnapshot> snapshot() const;
  void SetSnapshot(std::shared_ptr<const ConfigSnapshot> s);

  // Takes a stream slot for `principal_key`; RESOURCE_EXHAUSTED if the principal already holds
  // `limit` streams.
  StatusOr<StreamSlot> AcquireStream(const std::string& principal_key, int64_t limit);

  bool serving() const { return serving_.load(); }
  void set_serving(bool s) { serving_.store(s); }
  int64_t active_streams() const { return active_streams_.load(); }
  int64_t requests_total() const { return requests_total_.load(); }
  void CountRequest() { requests_total_.fetch_add(1); }

  PeerRegistry& peers() { return peers_; }

  // The audit log, or nullptr when audit.enabled is false. Set once before serving; not owned.
  audit::AuditLog* audit() const { return audit_; }
  void set_audit(audit::AuditLog* log) { audit_ = log; }
  const Clock& clock() const { return clock_; }
  Micros started_at_monotonic() const { return started_mono_; }

  void set_listeners(std::vector<std::string> l);
  std::vector<std::string> listeners() const;

  // Components beyond config report readiness through this hook (set once at start-up).
  using ComponentsFn = std::function<void(gateway::v1::StatusResponse*)>;
  void set_components_fn(ComponentsFn fn) { components_fn_ = std::move(fn); }

  // Fills the daemon-wide fields of a StatusResponse (not `principal`).
  void FillStatus(gateway::v1::StatusResponse* out) const;

  // Status watchers (Admin.WatchStatus). Notify calls every watcher with `final` = true on
  // shutdown (the watcher then ends its stream) and false on other changes.
  using Watcher = std::function<void(bool final)>;
  int AddWatcher(Watcher w);
  void RemoveWatcher(int id);
  void NotifyWatchers(bool final);

 private:
  friend class StreamSlot;
  void ReleaseStream(const std::string& key);

  const Clock& clock_;
  const Micros started_mono_;
  ComponentsFn components_fn_;
  audit::AuditLog* audit_ = nullptr;
  std::atomic<bool> serving_{true};
  std::atomic<int64_t> active_streams_{0};
  std::atomic<int64_t> requests_total_{0};
  PeerRegistry peers_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const ConfigSnapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int64_t> streams_by_principal_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> listeners_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int, Watcher> watchers_ ABSL_GUARDED_BY(mu_);
  int next_watcher_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gw::daemon
