// gatewayd's lifecycle: load config, check the state directory, listen (Unix socket with peer
// credentials; optional TCP, TLS/mTLS required beyond loopback), serve gateway.v1 plus
// grpc.health.v1 and reflection, reload atomically, drain on shutdown.
//
// Thread-safety: Create/Start/Run from the main thread; RequestShutdown and RequestReload are
// safe from any thread (the signal thread calls them).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/status.h"
#include "config/config.h"
#include "gateway/v1/gateway.pb.h"

namespace gw::daemon {

struct DaemonOptions {
  std::string config_path;                 // empty = the embedded default config
  std::optional<std::string> socket_path;  // --socket: overrides server.unix_socket.path
  std::optional<std::string> state_dir;    // --state-dir: overrides server.state_dir
};

// Loads the config the daemon would run with (file or embedded default) and applies the command
// line overrides. Errors: as config::LoadConfigFile.
StatusOr<config::Config> LoadEffectiveConfig(const DaemonOptions& opts);

class Daemon {
 public:
  // Loads and validates everything that can fail before serving. FAILED_PRECONDITION /
  // INVALID_ARGUMENT / NOT_FOUND with a message for the operator; nothing is left listening.
  static StatusOr<std::unique_ptr<Daemon>> Create(DaemonOptions opts);
  ~Daemon();

  // Starts listening and serving. Prints one line to stdout when ready:
  //   "gatewayd ready: unix=<path> tcp=<host:port|->"
  Status Start();

  // Blocks until RequestShutdown, then drains: NOT_SERVING, stop accepting, end status watchers,
  // let in-flight calls finish up to server.drain_timeout, cancel the rest. Returns when done.
  void RunUntilShutdown();

  void RequestShutdown();
  // Reloads the config file now (SIGHUP). Logs the outcome.
  void RequestReload();

  // Loads, validates and swaps the config. On error the old config stays and the response says
  // why. `who` is recorded in the log.
  gateway::v1::ReloadConfigResponse Reload(const std::string& who);

 private:
  class Impl;
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace gw::daemon
