// The Unix-domain-socket listener with peer credentials.
//
// gRPC's own unix: listener does not expose SO_PEERCRED, so gatewayd accepts connections itself,
// reads the peer's uid/gid/pid (unix(7) SO_PEERCRED), records them under the connection's gRPC
// peer name ("fd:<n>", which grpc_server_add_insecure_channel_from_fd assigns), and hands the
// socket to gRPC with grpc::AddInsecureChannelFromFd. A handler looks the caller up by
// ServerContext::peer(). A reused fd number is re-registered before gRPC sees the new connection,
// and gRPC keeps an fd open while any call on it is alive, so a lookup never sees a stale peer.
//
// Thread-safety: PeerRegistry is thread-safe. UnixListener: Start/Stop from one thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/status.h"
#include "daemon/identity.h"

namespace grpc {
class Server;
}

namespace gw::daemon {

class PeerRegistry {
 public:
  void Set(int fd, const PeerCred& cred);
  // `peer` is ServerContext::peer(); nullopt if it is not a connection we accepted.
  std::optional<PeerCred> Lookup(std::string_view peer) const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int, PeerCred> by_fd_ ABSL_GUARDED_BY(mu_);
};

class UnixListener {
 public:
  // Binds and listens on `path` with permissions `mode` and group `group` (empty = keep the
  // daemon's group). Creates the parent directory (0755) if needed. An existing socket file with a
  // live listener is refused (FAILED_PRECONDITION "another process is listening on …"); a stale
  // one is replaced. Errors: FAILED_PRECONDITION / INVALID_ARGUMENT with path and reason.
  static StatusOr<std::unique_ptr<UnixListener>> Bind(const std::string& path, uint32_t mode,
                                                      const std::string& group);
  ~UnixListener();

  // Starts the accept thread, handing each connection to `server` (which must outlive Stop()).
  void Start(grpc::Server* server, PeerRegistry* registry);
  // Stops accepting, closes the listening socket and removes the socket file. Idempotent.
  void Stop();

  const std::string& path() const { return path_; }

 private:
  UnixListener(std::string path, int fd, int wake_fd);
  void AcceptLoop(grpc::Server* server, PeerRegistry* registry);

  const std::string path_;
  int fd_;
  int wake_fd_;  // eventfd that interrupts poll() on Stop()
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

}  // namespace gw::daemon
