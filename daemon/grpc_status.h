// The one place where gw::Status becomes grpc::Status (CONVENTIONS.md "Errors").
// Codes map one to one (absl and gRPC share the canonical code space); the message is kept.
// Thread-safety: pure function.
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace gw::daemon {

inline grpc::Status ToGrpcStatus(const Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(s.code())),
                      std::string(s.message()));
}

}  // namespace gw::daemon
