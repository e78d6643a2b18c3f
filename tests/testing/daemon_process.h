// Runs the real gatewayd binary for end-to-end tests: temporary socket and state directory,
// stdout/stderr captured, readiness read from its "gatewayd ready:" line.
// Thread-safety: use from one test thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gw::testing {

// Path of a built binary: $GW_BIN_DIR/<relative>, e.g. "daemon/gatewayd".
std::string BinaryPath(const std::string& relative);

// A fresh temporary directory (mode 0700), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

struct ProcessResult {
  int exit_code = -1;  // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs a command to completion (bounded by `timeout`; killed after it) and captures output.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::seconds timeout = std::chrono::seconds(60),
                         const std::string& stdin_data = "");

class DaemonProcess {
 public:
  // Starts gatewayd with `args` (in addition to --socket <dir>/gw.sock and --state-dir
  // <dir>/state unless `args` has them). Does not wait.
  DaemonProcess(const TempDir& dir, std::vector<std::string> args);
  ~DaemonProcess();  // SIGKILL if still running

  // Waits for the ready line (true) or for the process to exit (false), up to `timeout`.
  bool WaitReady(std::chrono::seconds timeout = std::chrono::seconds(30));
  // Sends a signal.
  void Signal(int sig);
  // Waits for exit, up to `timeout`; returns the exit code (or -signal, or nullopt on timeout).
  std::optional<int> WaitExit(std::chrono::seconds timeout = std::chrono::seconds(30));

  const std::string& socket_path() const { return socket_; }
  std::string unix_target() const { return "unix:" + socket_; }
  // "127.0.0.1:port" from the ready line, if TCP is enabled.
  const std::string& tcp_address() const { return tcp_; }
  // Everything the daemon wrote to stderr so far.
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string socket_;
  std::string tcp_;
  std::string err_path_;
  std::string out_buf_;
  bool exited_ = false;
  int exit_code_ = 0;
};

}  // namespace gw::testing
