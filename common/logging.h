// The one structured logger (spdlog), with a request_id on every line.
//
// Output: one line per event on stderr, either text
//   2026-11-21T10:00:00.123456Z info  [req=3f2a…] message
// or JSON
//   {"ts":"2026-11-21T10:00:00.123456Z","level":"info","request_id":"3f2a…","msg":"message"}
// Lines that belong to no request carry request_id "-".
//
// Never pass prompt text, completion text, finding values or secrets to these functions
// (DESIGN.md invariant); log sizes, counts, digests and ids instead. gw::Secret formats as
// "<redacted>".
//
// Thread-safety: all functions are thread-safe. InitLogging should be called once at start-up
// before other threads log; calling it again (e.g. on config reload) swaps format and level.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace gw::log {

enum class Format { kText, kJson };

// Configures the process-wide logger. `level` is one of trace, debug, info, warn, error, off.
void InitLogging(Format format, std::string_view level);

namespace internal {
// The request id that the formatter puts on the line being formatted in this thread.
void SetThreadRequestId(std::string_view id);
}  // namespace internal

template <typename... Args>
void Log(spdlog::level::level_enum lvl, std::string_view request_id, fmt::format_string<Args...> f,
         Args&&... args) {
  if (!spdlog::should_log(lvl)) return;
  internal::SetThreadRequestId(request_id);
  spdlog::log(lvl, f, std::forward<Args>(args)...);
  internal::SetThreadRequestId({});
}

template <typename... Args>
void Info(std::string_view rid, fmt::format_string<Args...> f, Args&&... args) {
  Log(spdlog::level::info, rid, f, std::forward<Args>(args)...);
}
template <typename... Args>
void Warn(std::string_view rid, fmt::format_string<Args...> f, Args&&... args) {
  Log(spdlog::level::warn, rid, f, std::forward<Args>(args)...);
}
template <typename... Args>
void Error(std::string_view rid, fmt::format_string<Args...> f, Args&&... args) {
  Log(spdlog::level::err, rid, f, std::forward<Args>(args)...);
}
template <typename... Args>
void Debug(std::string_view rid, fmt::format_string<Args...> f, Args&&... args) {
  Log(spdlog::level::debug, rid, f, std::forward<Args>(args)...);
}

}  // namespace gw::log
