#include "tests/testing/daemon_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace gw::testing {

std::string BinaryPath(const std::string& relative) {
  const char* dir = std::getenv("GW_BIN_DIR");
#ifdef GW_DEFAULT_BIN_DIR
  if (dir == nullptr) dir = GW_DEFAULT_BIN_DIR;
#endif
  return std::string(dir != nullptr ? dir : ".") + "/" + relative;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "gwtest.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
  std::string p = path_ + "/" + name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> v;
  for (auto& a : args) v.push_back(a.data());
  v.push_back(nullptr);
  return v;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv_in, std::chrono::seconds timeout,
                         const std::string& stdin_data) {
  TempDir tmp;
  const std::string out_path = tmp.path() + "/out";
  const std::string err_path = tmp.path() + "/err";
  const std::string in_path = tmp.Write("in", stdin_data);
  std::vector<std::string> args = argv_in;
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    auto v = Argv(args);
    execv(v[0], v.data());
    _exit(127);
  }
  ProcessResult r;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = ReadAll(out_path);
  r.err = ReadAll(err_path);
  return r;
}

DaemonProcess::DaemonProcess(const TempDir& dir, std::vector<std::string> args) {
  bool has_socket = false;
  bool has_state = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--socket" && i + 1 < args.size()) {
      has_socket = true;
      socket_ = args[i + 1];
    }
    if (args[i] == "--state-dir") has_state = true;
  }
  if (!has_socket) {
    socket_ = dir.path() + "/gw.sock";
    args.push_back("--socket");
    args.push_back(socket_);
  }
  if (!has_state) {
    args.push_back("--state-dir");
    args.push_back(dir.path() + "/state");
  }
  args.insert(args.begin(), BinaryPath("daemon/gatewayd"));
  err_path_ = dir.path() + "/gatewayd.stderr." + std::to_string(reinterpret_cast<uintptr_t>(this));
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    const int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(pipefd[1], 1);
    dup2(err, 2);
    auto v = Argv(args);
    execv(v[0], v.data());
    _exit(127);
  }
  close(pipefd[1]);
  out_fd_ = pipefd[0];
}

DaemonProcess::~DaemonProcess() {
  if (!exited_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

bool DaemonProcess::WaitReady(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) > 0) {
      char buf[4096];
      const ssize_t n = read(out_fd_, buf, sizeof(buf));
      if (n <= 0) return false;  // stdout closed: the daemon exited
      out_buf_.append(buf, static_cast<size_t>(n));
      const auto pos = out_buf_.find("gatewayd ready:");
      if (pos != std::string::npos && out_buf_.find('\n', pos) != std::string::npos) {
        const auto tcp = out_buf_.find("tcp=", pos);
        const auto end = out_buf_.find('\n', tcp);
        tcp_ = out_buf_.substr(tcp + 4, end - tcp - 4);
        if (tcp_ == "-") tcp_.clear();
        return true;
      }
    }
  }
  return false;
}

void DaemonProcess::Signal(int sig) {
  if (!exited_) kill(pid_, sig);
}

std::optional<int> DaemonProcess::WaitExit(std::chrono::seconds timeout) {
  if (exited_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

std::string DaemonProcess::Stderr() const { return ReadAll(err_path_); }

}  // namespace gw::testing
