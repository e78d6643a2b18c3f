// Shared plumbing for gatewayctl commands: connecting to gatewayd, printing errors and messages.
// Thread-safety: single-threaded CLI use.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

namespace gw::cli {

// How to reach gatewayd; every daemon command takes these flags.
struct ConnectOptions {
  std::string socket;           // --socket PATH (default: common/default_paths.h)
  std::string address;          // --addr HOST:PORT (TCP instead of the Unix socket)
  std::string token;            // --token T or env GATEWAYD_TOKEN: bearer token
  std::string tls_ca;           // --tls-ca FILE: CA bundle to verify the server (enables TLS)
  std::string tls_cert;         // --tls-cert FILE: client certificate (mTLS)
  std::string tls_key;          // --tls-key FILE
  std::string tls_server_name;  // --tls-server-name: override the name checked in the cert
  bool json = false;            // --json: machine-readable output
  int timeout_s = 30;           // --timeout: per-call deadline, seconds (chat: time to first event)
};

void AddConnectFlags(CLI::App* cmd, ConnectOptions* o);

// A channel per the options. Exits with a message if TLS files cannot be read.
std::shared_ptr<grpc::Channel> Connect(const ConnectOptions& o);

// Sets the deadline and bearer token on a call context.
void PrepareContext(const ConnectOptions& o, grpc::ClientContext* ctx, bool streaming = false);

// Prints "gatewayctl: <CODE>: <message>" plus a hint for connection failures, and returns the
// process exit code (1).
int ReportRpcError(const grpc::Status& s, const ConnectOptions& o);

// Protobuf message as one line (or indented) of JSON.
std::string ToJson(const google::protobuf::Message& m, bool pretty = false);

// "gatewayctl: <msg>" on stderr; returns 1.
int Fail(const std::string& msg);

}  // namespace gw::cli
