// Status and result types used across every module boundary.
//
// The project uses absl::Status / absl::StatusOr<T> (CONVENTIONS.md "Errors"). The status code
// tells the caller what to do:
//   RESOURCE_EXHAUSTED  budget or limit reached (HTTP 429); retry later or degrade
//   UNAVAILABLE         transient or missing component; retry or fall back
//   DEADLINE_EXCEEDED   the caller's deadline passed
//   UNAUTHENTICATED     no acceptable identity
//   PERMISSION_DENIED   policy said no
//   FAILED_PRECONDITION consent required, or state does not allow the call
//   INVALID_ARGUMENT    the request (or file) is malformed; do not retry unchanged
// Translation to gRPC status happens in exactly one place: daemon/grpc_status.h.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gw {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

}  // namespace gw

#define GW_STATUS_CONCAT_INNER_(a, b) a##b
#define GW_STATUS_CONCAT_(a, b) GW_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define GW_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status gw_status_ = (expr);      \
    if (!gw_status_.ok()) return gw_status_; \
  } while (false)

// `GW_ASSIGN_OR_RETURN(auto x, Foo());` — assigns the value of a StatusOr or returns its status.
#define GW_ASSIGN_OR_RETURN(lhs, expr) \
  GW_ASSIGN_OR_RETURN_IMPL_(GW_STATUS_CONCAT_(gw_statusor_, __LINE__), lhs, expr)
#define GW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(*tmp)
