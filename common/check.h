// Invariant checks (CONVENTIONS.md "Errors").
//
// GW_CHECK(cond) << never used for outside input: it aborts the process with file:line and the
// condition when an unrecoverable internal state is reached. GW_DCHECK is the same in debug builds
// and compiled out (the condition is not evaluated) with NDEBUG.
// Everything the outside world can cause is reported as a gw::Status instead.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace gw::internal {
[[noreturn]] inline void CheckFailed(const char* file, int line, const char* cond) {
  std::fprintf(stderr, "FATAL %s:%d: check failed: %s\n", file, line, cond);
  std::fflush(stderr);
  std::abort();
}
}  // namespace gw::internal

#define GW_CHECK(cond)                                                   \
  do {                                                                   \
    if (!(cond)) ::gw::internal::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (false)

#ifdef NDEBUG
#define GW_DCHECK(cond) \
  do {                  \
    (void)sizeof(cond); \
  } while (false)
#else
#define GW_DCHECK(cond) GW_CHECK(cond)
#endif
