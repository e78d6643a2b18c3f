#include "daemon/unix_listener.h"

#include <fcntl.h>
#include <grp.h>
#include <grpcpp/server.h>
#include <grpcpp/server_posix.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/logging.h"

namespace gw::daemon {

void PeerRegistry::Set(int fd, const PeerCred& cred) {
  absl::MutexLock lock(&mu_);
  by_fd_[fd] = cred;
}

std::optional<PeerCred> PeerRegistry::Lookup(std::string_view peer) const {
  if (peer.substr(0, 3) != "fd:") return std::nullopt;
  int fd = -1;
  if (!absl::SimpleAtoi(absl::string_view(peer.data() + 3, peer.size() - 3), &fd)) {
    return std::nullopt;
  }
  absl::MutexLock lock(&mu_);
  auto it = by_fd_.find(fd);
  if (it == by_fd_.end()) return std::nullopt;
  return it->second;
}

namespace {
Status Err(const std::string& path, const std::string& what) {
  return absl::FailedPreconditionError(
      absl::StrCat("unix socket ", path, ": ", what, ": ", std::strerror(errno)));
}
}  // namespace

StatusOr<std::unique_ptr<UnixListener>> UnixListener::Bind(const std::string& path, uint32_t mode,
                                                           const std::string& group) {
  sockaddr_un addr{};
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(absl::StrFormat("unix socket path '%s' must be 1..%d bytes",
                                                      path, sizeof(addr.sun_path) - 1));
  }
  if ((mode & 0007) != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unix socket %s: mode %04o gives every local user access; use 0660 (or 0600) and a "
        "group in server.unix_socket.group",
        path, mode));
  }
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return absl::FailedPreconditionError(absl::StrCat(
          "unix socket ", path, ": cannot create directory ", parent.string(), ": ", ec.message()));
    }
    chmod(parent.c_str(), 0755);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  addr.sun_family = AF_UNIX;

  // A socket file that someone still listens on is another daemon: refuse. A stale one goes.
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("unix socket ", path, ": a non-socket file is in the way; remove it"));
    }
    const int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool live =
        probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    if (probe >= 0) close(probe);
    if (live) {
      return absl::FailedPreconditionError(absl::StrCat(
          "unix socket ", path, ": another process is listening on it (is gatewayd running?)"));
    }
    unlink(path.c_str());
  }

  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Err(path, "socket");
  // Create with no access, then set the final mode: no window where others can connect.
  const mode_t old_umask = umask(0777);
  const int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  umask(old_umask);
  if (rc != 0) {
    Status s = Err(path, "bind");
    close(fd);
    return s;
  }
  if (!group.empty()) {
    std::vector<char> buf(16384);
    struct group gr {};
    struct group* res = nullptr;
    if (getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &res) != 0 || res == nullptr) {
      close(fd);
      unlink(path.c_str());
      return absl::FailedPreconditionError(
          absl::StrCat("unix socket ", path, ": group '", group, "' does not exist"));
    }
    if (chown(path.c_str(), static_cast<uid_t>(-1), gr.gr_gid) != 0) {
      Status s = Err(path, absl::StrCat("chown to group ", group));
      close(fd);
      unlink(path.c_str());
      return s;
    }
  }
  if (chmod(path.c_str(), mode) != 0) {
    Status s = Err(path, "chmod");
    close(fd);
    unlink(path.c_str());
    return s;
  }
  if (listen(fd, 512) != 0) {
    Status s = Err(path, "listen");
    close(fd);
    unlink(path.c_str());
    return s;
  }
  const int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    Status s = Err(path, "eventfd");
    close(fd);
    unlink(path.c_str());
    return s;
  }
  return std::unique_ptr<UnixListener>(new UnixListener(path, fd, wake));
}

UnixListener::UnixListener(std::string path, int fd, int wake_fd)
    : path_(std::move(path)), fd_(fd), wake_fd_(wake_fd) {}

UnixListener::~UnixListener() {
  Stop();
  close(wake_fd_);
}

void UnixListener::Start(grpc::Server* server, PeerRegistry* registry) {
  thread_ = std::thread([this, server, registry] { AcceptLoop(server, registry); });
}

void UnixListener::AcceptLoop(grpc::Server* server, PeerRegistry* registry) {
  pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (!stopped_.load()) {
    const int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      log::Error("", "unix listener: poll failed: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (conn < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) continue;
      // EMFILE/ENFILE: keep serving existing callers; back off briefly via poll timeout.
      log::Warn("", "unix listener: accept failed: {}", std::strerror(errno));
      poll(nullptr, 0, 50);
      continue;
    }
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      log::Warn("", "unix listener: SO_PEERCRED failed: {}; closing connection",
                std::strerror(errno));
      close(conn);
      continue;
    }
    registry->Set(conn, PeerCred{cred.pid, cred.uid, cred.gid});
    grpc::AddInsecureChannelFromFd(server, conn);
  }
}

void UnixListener::Stop() {
  if (stopped_.exchange(true)) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t w = write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  close(fd_);
  unlink(path_.c_str());
}

}  // namespace gw::daemon
