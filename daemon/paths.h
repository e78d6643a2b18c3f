// The daemon's state directory checks (default paths are in common/default_paths.h).
// Thread-safety: pure functions (they read the environment and the file system).
#pragma once

#include <string>

#include "common/default_paths.h"
#include "common/status.h"

namespace gw::daemon {

// Creates `dir` (mode 0700, parents 0755) if absent, then checks it is safe: a real directory
// (not a symlink), owned by the effective uid, and not writable by group or others.
// FAILED_PRECONDITION with the path, the problem and the fix (e.g. "chmod 0700 DIR") otherwise;
// the daemon refuses to start.
Status EnsureSafeStateDir(const std::string& dir);

}  // namespace gw::daemon
