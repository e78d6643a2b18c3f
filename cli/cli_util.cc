#include "cli/cli_util.h"

#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "common/default_paths.h"

namespace gw::cli {

void AddConnectFlags(CLI::App* cmd, ConnectOptions* o) {
  cmd->add_option("--socket", o->socket,
                  "gatewayd Unix socket (default: " + DefaultSocketPath() + ")");
  cmd->add_option("--addr", o->address, "connect over TCP to HOST:PORT instead");
  cmd->add_option("--token", o->token, "bearer token (or env GATEWAYD_TOKEN)");
  cmd->add_option("--tls-ca", o->tls_ca, "CA bundle that signed the server certificate (TCP+TLS)");
  cmd->add_option("--tls-cert", o->tls_cert, "client certificate for mTLS");
  cmd->add_option("--tls-key", o->tls_key, "client private key for mTLS");
  cmd->add_option("--tls-server-name", o->tls_server_name, "name to verify in the server cert");
  cmd->add_flag("--json", o->json, "machine-readable JSON output");
  cmd->add_option("--timeout", o->timeout_s, "deadline in seconds")->default_val(30);
}

namespace {
std::string ReadFileOrDie(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "gatewayctl: cannot read " << what << " " << path << "\n";
    std::exit(1);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

std::shared_ptr<grpc::Channel> Connect(const ConnectOptions& o) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  if (!o.address.empty()) {
    if (!o.tls_ca.empty() || !o.tls_cert.empty()) {
      grpc::SslCredentialsOptions ssl;
      if (!o.tls_ca.empty()) ssl.pem_root_certs = ReadFileOrDie(o.tls_ca, "CA bundle");
      if (!o.tls_cert.empty()) ssl.pem_cert_chain = ReadFileOrDie(o.tls_cert, "client certificate");
      if (!o.tls_key.empty()) ssl.pem_private_key = ReadFileOrDie(o.tls_key, "client key");
      if (!o.tls_server_name.empty()) {
        args.SetSslTargetNameOverride(o.tls_server_name);
      }
      return grpc::CreateCustomChannel(o.address, grpc::SslCredentials(ssl), args);
    }
    return grpc::CreateCustomChannel(o.address, grpc::InsecureChannelCredentials(), args);
  }
  const std::string path = o.socket.empty() ? DefaultSocketPath() : o.socket;
  return grpc::CreateCustomChannel("unix:" + path, grpc::InsecureChannelCredentials(), args);
}

void PrepareContext(const ConnectOptions& o, grpc::ClientContext* ctx, bool streaming) {
  if (!streaming) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(o.timeout_s));
  }
  std::string token = o.token;
  if (token.empty()) {
    if (const char* env = std::getenv("GATEWAYD_TOKEN"); env != nullptr) token = env;
  }
  if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
}

namespace {
const char* CodeName(grpc::StatusCode c) {
  switch (c) {
    case grpc::OK:
      return "OK";
    case grpc::CANCELLED:
      return "CANCELLED";
    case grpc::UNKNOWN:
      return "UNKNOWN";
    case grpc::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::ABORTED:
      return "ABORTED";
    case grpc::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::INTERNAL:
      return "INTERNAL";
    case grpc::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}
}  // namespace

int ReportRpcError(const grpc::Status& s, const ConnectOptions& o) {
  std::cerr << "gatewayctl: " << CodeName(s.error_code()) << ": " << s.error_message() << "\n";
  if (s.error_code() == grpc::UNAVAILABLE &&
      (s.error_message().find("connect") != std::string::npos ||
       s.error_message().find("No such file") != std::string::npos)) {
    std::cerr << "gatewayctl: is gatewayd running? tried "
              << (o.address.empty() ? "unix:" + (o.socket.empty() ? DefaultSocketPath() : o.socket)
                                    : o.address)
              << " (use --socket or --addr)\n";
  }
  return 1;
}

std::string ToJson(const google::protobuf::Message& m, bool pretty) {
  std::string out;
  google::protobuf::util::JsonPrintOptions opts;
  opts.add_whitespace = pretty;
  opts.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, opts);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

int Fail(const std::string& msg) {
  std::cerr << "gatewayctl: " << msg << "\n";
  return 1;
}

}  // namespace gw::cli
