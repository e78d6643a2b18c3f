#include "daemon/paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gw::daemon {

Status EnsureSafeStateDir(const std::string& dir) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return absl::FailedPreconditionError(
          absl::StrCat("state dir ", dir, ": cannot stat: ", std::strerror(errno)));
    }
    std::error_code ec;
    const auto parent = std::filesystem::path(dir).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::FailedPreconditionError(
          absl::StrCat("state dir ", dir, ": cannot create: ", std::strerror(errno)));
    }
    if (lstat(dir.c_str(), &st) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("state dir ", dir, ": cannot stat: ", std::strerror(errno)));
    }
  }
  if (S_ISLNK(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "state dir ", dir, " is a symbolic link; point --state-dir at the real directory"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("state dir ", dir, " is not a directory"));
  }
  if (st.st_uid != geteuid()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "state dir %s is owned by uid %d, not by the daemon's uid %d; chown it or choose another",
        dir, st.st_uid, geteuid()));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "state dir %s is writable by group or others (mode %04o); run: chmod 0700 %s", dir,
        st.st_mode & 07777, dir));
  }
  return absl::OkStatus();
}

}  // namespace gw::daemon
