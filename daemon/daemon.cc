#include "daemon/daemon.h"

#include <arpa/inet.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_log.h"
#include "common/ids.h"
#include "common/logging.h"
#include "daemon/audit_hooks.h"
#include "daemon/consent_service.h"
#include "daemon/paths.h"
#include "daemon/services.h"
#include "daemon/state.h"
#include "daemon/unix_listener.h"
#include "local_engine/engine.h"
#include "policies/policy.h"
#include "policies/scan.h"
#include "policies/store.h"

namespace gw::daemon {
namespace {

namespace v1 = ::gateway::v1;

// Splits "host:port" / "[v6]:port".
StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& addr) {
  std::string host;
  std::string port;
  if (!addr.empty() && addr[0] == '[') {
    const auto close = addr.find(']');
    if (close == std::string::npos || close + 1 >= addr.size() || addr[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("server.tcp.address '", addr, "' is not [host]:port"));
    }
    host = addr.substr(1, close - 1);
    port = addr.substr(close + 2);
  } else {
    const auto colon = addr.rfind(':');
    if (colon == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("server.tcp.address '", addr, "' is not host:port"));
    }
    host = addr.substr(0, colon);
    port = addr.substr(colon + 1);
  }
  int p = -1;
  if (!absl::SimpleAtoi(port, &p) || p < 0 || p > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("server.tcp.address '", addr, "': port must be 0..65535"));
  }
  return std::make_pair(host, p);
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

// Binds the TCP address once ourselves so that "port in use" is reported as such (gRPC only says
// that it failed).
Status ProbeTcpBind(const std::string& host, int port) {
  if (port == 0) return absl::OkStatus();
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  std::string h = host == "localhost" ? "127.0.0.1" : host;
  if (auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
      inet_pton(AF_INET, h.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
             inet_pton(AF_INET6, h.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "server.tcp.address: '", host, "' is not an IP address (use an IP or localhost)"));
  }
  const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  const int rc = bind(fd, reinterpret_cast<sockaddr*>(&ss), len);
  const int err = errno;
  close(fd);
  if (rc != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("cannot listen on %s:%d: %s", host, port,
                        err == EADDRINUSE ? "address already in use (is another gatewayd running?)"
                                          : std::strerror(err)));
  }
  return absl::OkStatus();
}

StatusOr<std::string> ReadPem(const std::string& path, bool secret, const std::string& what) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(std::string(what), " ", path, ": cannot read: ", std::strerror(errno)));
  }
  if (secret && (st.st_mode & 0077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s %s is readable by group or others (mode %04o); run: chmod 0600 %s",
                        what, path, st.st_mode & 07777, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat(std::string(what), " ", path, ": cannot read: ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

log::Format LogFormat(const config::Config& c) {
  return c.logging.format == "json" ? log::Format::kJson : log::Format::kText;
}

}  // namespace

StatusOr<config::Config> LoadEffectiveConfig(const DaemonOptions& opts) {
  config::Config cfg;
  if (opts.config_path.empty()) {
    cfg = config::DefaultConfig();
  } else {
    GW_ASSIGN_OR_RETURN(cfg, config::LoadConfigFile(opts.config_path));
  }
  if (opts.socket_path.has_value()) cfg.server.unix_socket.path = *opts.socket_path;
  if (opts.state_dir.has_value()) cfg.server.state_dir = *opts.state_dir;
  if (cfg.server.unix_socket.path.empty()) cfg.server.unix_socket.path = DefaultSocketPath();
  if (cfg.server.state_dir.empty()) cfg.server.state_dir = DefaultStateDir();
  // Detectors and rules are compiled here so that a bad regex, class or rule is a config error
  // (file:line) at start-up, on --check-config and on reload — not a surprise on first use.
  if (cfg.policy.enabled) {
    GW_RETURN_IF_ERROR(
        policies::PolicyEngine::Create(cfg.policy, cfg.adapters, cfg.source).status());
  } else {
    GW_ASSIGN_OR_RETURN(auto classes, policies::DataClassSet::Create(cfg.policy.data_classes,
                                                                     cfg.policy.default_class));
    GW_RETURN_IF_ERROR(
        policies::Scanner::Create(cfg.policy.detectors, classes, cfg.source).status());
  }
  if (cfg.server.tcp.enabled) {
    GW_ASSIGN_OR_RETURN(auto hp, SplitHostPort(cfg.server.tcp.address));
    if (!IsLoopbackHost(hp.first) && !cfg.server.tcp.tls.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "server.tcp.address ", cfg.server.tcp.address,
          " is not a loopback address: listening beyond loopback requires server.tcp.tls "
          "(cert_file, key_file; client_ca_file for mTLS)"));
    }
  }
  return cfg;
}

class Daemon::Impl {
 public:
  explicit Impl(DaemonOptions opts) : opts_(std::move(opts)) {}

  Status Init() {
    GW_ASSIGN_OR_RETURN(config::Config cfg, LoadEffectiveConfig(opts_));
    log::InitLogging(LogFormat(cfg), cfg.logging.level);
    GW_RETURN_IF_ERROR(EnsureSafeStateDir(cfg.server.state_dir));
    if (cfg.audit.enabled) {
      config::AuditConfig ac = cfg.audit;
      if (ac.dir.empty()) ac.dir = cfg.server.state_dir + "/audit";
      auto log = audit::AuditLog::Open(ac);
      if (!log.ok()) {
        return Status(log.status().code(), absl::StrCat("audit log ", ac.dir, ": ",
                                                        std::string(log.status().message())));
      }
      audit_ = std::move(*log);
      AuditAppendAsync(audit_.get(), audit::MakeConfigEvent(false, cfg.source, cfg.digest));
    }
    if (!cfg.engine.model_path.empty()) {
      auto model = engine::Model::Open(cfg.engine.model_path);
      if (!model.ok()) {
        return absl::FailedPreconditionError(absl::StrCat("engine.model_path ",
                                                          cfg.engine.model_path, ": ",
                                                          std::string(model.status().message())));
      }
      model_ = std::move(*model);
      model_name_ = cfg.engine.model_name.empty()
                        ? std::filesystem::path(cfg.engine.model_path).stem().string()
                        : cfg.engine.model_name;
    }
    // Consent grants and budget books live in SQLite in the state directory.
    GW_ASSIGN_OR_RETURN(policy_store_,
                        policies::OpenSqlitePolicyStore(cfg.server.state_dir + "/policy.db"));
    GW_ASSIGN_OR_RETURN(Secret consent_key,
                        policies::LoadOrCreateConsentKey(cfg.server.state_dir + "/consent.key"));
    consent_observer_ = std::make_unique<AuditConsentObserver>(audit_.get());
    consent_manager_ = std::make_unique<policies::ConsentManager>(
        *policy_store_, std::move(consent_key), SystemClock::Get(), consent_observer_.get());
    GW_RETURN_IF_ERROR(consent_manager_->SetConfig(cfg.consent, cfg.policy.data_classes));
    budget_ledger_ = std::make_unique<policies::BudgetLedger>(*policy_store_, SystemClock::Get());
    GW_RETURN_IF_ERROR(budget_ledger_->SetConfig(cfg.budgets));
    auto snap = MakeSnapshot(std::move(cfg));
    state_ = std::make_unique<DaemonState>(snap, SystemClock::Get());
    state_->set_audit(audit_.get());
    state_->set_components_fn([this](v1::StatusResponse* out) { FillComponents(out); });
    gateway_ = std::make_unique<GatewayServiceImpl>(*state_);
    gateway_->set_models_fn([this](v1::ListModelsResponse* out) { FillLocalModel(out); });
    consent_ = std::make_unique<PolicyConsentService>(*state_, *consent_manager_);
    admin_ = std::make_unique<AdminServiceImpl>(
        *state_, [this](const Principal& p) { return Reload(p.Display()); }, *budget_ledger_);
    return absl::OkStatus();
  }

  std::shared_ptr<const ConfigSnapshot> MakeSnapshot(config::Config cfg) {
    return std::make_shared<ConfigSnapshot>(std::move(cfg), geteuid(),
                                            SystemClock::Get().NowUnixMicros());
  }

  // The dominant tensor type of the local model (by tensor count), as ggml names it.
  std::string DominantQuantization() const {
    std::string best;
    uint64_t best_n = 0;
    for (const auto& [type, n] : model_->info().tensor_types) {
      if (n > best_n) {
        const auto traits = engine::GetGgmlTypeTraits(static_cast<uint32_t>(type));
        best = traits.has_value() ? std::string(traits->name) : "?";
        best_n = n;
      }
    }
    return best;
  }

  void FillLocalModel(v1::ListModelsResponse* out) const {
    if (model_ == nullptr) return;
    const auto& info = model_->info();
    auto* m = out->add_models();
    m->set_name(model_name_);
    m->set_target(v1::TARGET_LOCAL);
    m->set_provider("local");
    m->set_architecture(info.architecture);
    m->set_quantization(DominantQuantization());
    m->set_context_length(static_cast<int64_t>(info.context_length));
    m->set_available(false);
    m->set_unavailable_reason(
        "metadata and tokenizer loaded; local generation is not in this build");
  }

  // Readiness of the parts beyond config, for Admin.Status.
  void FillComponents(v1::StatusResponse* out) const {
    auto* e = out->add_components();
    e->set_name("local_engine");
    e->set_ready(false);
    if (model_ == nullptr) {
      e->set_detail("no local model configured (engine.model_path)");
    } else {
      const auto& info = model_->info();
      e->set_detail(absl::StrCat(model_name_, ": ", info.architecture, ", ", info.parameter_count,
                                 " parameters, ", DominantQuantization(), ", context ",
                                 info.context_length, " tokens, chat template ",
                                 std::string(engine::ChatTemplateFamilyName(info.chat_template)),
                                 "; generation not in this build"));
    }
    auto* a = out->add_components();
    a->set_name("audit");
    if (audit_ == nullptr) {
      a->set_ready(false);
      a->set_detail("disabled (audit.enabled: false)");
    } else {
      const auto h = audit_->Health();
      a->set_ready(h.writable);
      a->set_detail(h.writable ? absl::StrCat(audit_->dir(), ", next seq ", h.next_seq)
                               : absl::StrCat("unwritable: ", h.reason));
    }
    auto* r = out->add_components();
    r->set_name("router");
    r->set_ready(false);
    r->set_detail("not in this build: no request is routed or sent anywhere");
  }

  Status Start() {
    const auto snap = state_->snapshot();
    const auto& server_cfg = snap->config.server;
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.SetMaxReceiveMessageSize(static_cast<int>(server_cfg.max_receive_message_bytes));
    builder.RegisterService(gateway_.get());
    builder.RegisterService(consent_.get());
    builder.RegisterService(admin_.get());

    int tcp_port = -1;
    std::string tcp_host;
    if (server_cfg.tcp.enabled) {
      GW_ASSIGN_OR_RETURN(auto hp, SplitHostPort(server_cfg.tcp.address));
      tcp_host = hp.first;
      GW_RETURN_IF_ERROR(ProbeTcpBind(hp.first, hp.second));
      std::shared_ptr<grpc::ServerCredentials> creds;
      if (server_cfg.tcp.tls.has_value()) {
        const auto& tls = *server_cfg.tcp.tls;
        grpc::SslServerCredentialsOptions ssl;
        GW_ASSIGN_OR_RETURN(std::string cert, ReadPem(tls.cert_file, false, "TLS certificate"));
        GW_ASSIGN_OR_RETURN(std::string key, ReadPem(tls.key_file, true, "TLS private key"));
        ssl.pem_key_cert_pairs.push_back({key, cert});
        if (!tls.client_ca_file.empty()) {
          GW_ASSIGN_OR_RETURN(ssl.pem_root_certs,
                              ReadPem(tls.client_ca_file, false, "client CA bundle"));
          ssl.client_certificate_request =
              tls.require_client_cert ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                      : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
        }
        creds = grpc::SslServerCredentials(ssl);
      } else {
        creds = grpc::InsecureServerCredentials();
      }
      builder.AddListeningPort(server_cfg.tcp.address, creds, &tcp_port);
    }

    std::unique_ptr<UnixListener> unix_listener;
    if (server_cfg.unix_socket.enabled) {
      GW_ASSIGN_OR_RETURN(unix_listener, UnixListener::Bind(server_cfg.unix_socket.path,
                                                            server_cfg.unix_socket.mode,
                                                            server_cfg.unix_socket.group));
    }
    server_ = builder.BuildAndStart();
    if (server_ == nullptr) {
      return absl::UnavailableError(absl::StrCat(
          "gRPC server failed to start",
          server_cfg.tcp.enabled
              ? absl::StrCat(" (TCP ", server_cfg.tcp.address, ": bind failed or bad TLS material)")
              : ""));
    }
    if (server_cfg.tcp.enabled && tcp_port <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ", server_cfg.tcp.address));
    }
    std::vector<std::string> listeners;
    std::string unix_desc = "-";
    if (unix_listener != nullptr) {
      unix_listener_ = std::move(unix_listener);
      unix_listener_->Start(server_.get(), &state_->peers());
      unix_desc = unix_listener_->path();
      listeners.push_back(absl::StrCat("unix:", unix_desc));
    }
    std::string tcp_desc = "-";
    if (server_cfg.tcp.enabled) {
      tcp_desc = absl::StrCat(
          tcp_host.find(':') != std::string::npos ? absl::StrCat("[", tcp_host, "]") : tcp_host,
          ":", tcp_port);
      listeners.push_back(absl::StrCat("tcp:", tcp_desc,
                                       server_cfg.tcp.tls.has_value() ? " (tls)" : " (insecure)"));
    }
    state_->set_listeners(listeners);
    server_->GetHealthCheckService()->SetServingStatus(true);
    log::Info("", "gatewayd {} serving on {} (config {}, digest {})", GATEWAYD_VERSION,
              absl::StrJoin(listeners, ", "), snap->config.source,
              snap->config.digest.substr(0, 16));
    std::cout << "gatewayd ready: unix=" << unix_desc << " tcp=" << tcp_desc << std::endl;
    return absl::OkStatus();
  }

  void RunUntilShutdown() {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return shutdown_requested_; });
    }
    const auto snap = state_->snapshot();
    log::Info("", "shutting down: draining up to {} ms ({} active streams)",
              snap->config.server.drain_timeout.value() / 1000, state_->active_streams());
    state_->set_serving(false);
    server_->GetHealthCheckService()->SetServingStatus(false);
    if (unix_listener_ != nullptr) unix_listener_->Stop();
    state_->NotifyWatchers(/*final=*/true);
    const auto deadline = std::chrono::system_clock::now() +
                          std::chrono::microseconds(snap->config.server.drain_timeout.value());
    server_->Shutdown(deadline);
    server_->Wait();
    if (audit_ != nullptr) {
      if (Status f = audit_->Flush(); !f.ok()) {
        log::Error("", "audit flush at shutdown failed: {}", std::string(f.message()));
      }
    }
    log::Info("", "gatewayd stopped");
  }

  void RequestShutdown() {
    std::lock_guard lock(mu_);
    shutdown_requested_ = true;
    cv_.notify_all();
  }

  v1::ReloadConfigResponse Reload(const std::string& who) {
    absl::MutexLock lock(&reload_mu_);
    v1::ReloadConfigResponse resp;
    const auto old = state_->snapshot();
    auto loaded = LoadEffectiveConfig(opts_);
    Status s = loaded.ok() ? CheckImmutable(old->config, *loaded) : loaded.status();
    if (s.ok()) s = budget_ledger_->SetConfig(loaded->budgets);
    if (s.ok()) {
      s = consent_manager_->SetConfig(loaded->consent, loaded->policy.data_classes);
      // Keep budgets and consent on the same config: put the budgets back if consent refused.
      if (!s.ok()) (void)budget_ledger_->SetConfig(old->config.budgets);
    }
    if (!s.ok()) {
      AuditAdminAction(audit_.get(), NewRequestId(), who, "reload", s, "old config kept");
      resp.set_reloaded(false);
      resp.set_error(std::string(s.message()));
      resp.set_config_digest(old->config.digest);
      log::Warn("", "config reload by {} refused, keeping digest {}: {}", who,
                old->config.digest.substr(0, 16), std::string(s.message()));
      return resp;
    }
    log::InitLogging(LogFormat(*loaded), loaded->logging.level);
    auto snap = MakeSnapshot(std::move(*loaded));
    resp.set_reloaded(true);
    resp.set_config_digest(snap->config.digest);
    log::Info("", "config reloaded by {}: digest {} -> {}", who, old->config.digest.substr(0, 16),
              snap->config.digest.substr(0, 16));
    AuditAppendAsync(audit_.get(),
                     audit::MakeConfigEvent(true, snap->config.source, snap->config.digest));
    AuditAdminAction(audit_.get(), NewRequestId(), who, "reload", absl::OkStatus(),
                     snap->config.digest);
    state_->SetSnapshot(std::move(snap));
    state_->NotifyWatchers(/*final=*/false);
    return resp;
  }

 private:
  // Listeners and the state directory are bound at start; changing them needs a restart.
  static Status CheckImmutable(const config::Config& a, const config::Config& b) {
    const auto& x = a.server;
    const auto& y = b.server;
    std::vector<std::string> changed;
    if (x.unix_socket.enabled != y.unix_socket.enabled ||
        x.unix_socket.path != y.unix_socket.path || x.unix_socket.mode != y.unix_socket.mode ||
        x.unix_socket.group != y.unix_socket.group) {
      changed.push_back("server.unix_socket");
    }
    if (x.tcp.enabled != y.tcp.enabled || x.tcp.address != y.tcp.address ||
        x.tcp.tls.has_value() != y.tcp.tls.has_value() ||
        (x.tcp.tls.has_value() &&
         (x.tcp.tls->cert_file != y.tcp.tls->cert_file ||
          x.tcp.tls->key_file != y.tcp.tls->key_file ||
          x.tcp.tls->client_ca_file != y.tcp.tls->client_ca_file ||
          x.tcp.tls->require_client_cert != y.tcp.tls->require_client_cert))) {
      changed.push_back("server.tcp");
    }
    if (x.state_dir != y.state_dir) changed.push_back("server.state_dir");
    if (x.max_receive_message_bytes != y.max_receive_message_bytes) {
      changed.push_back("server.max_receive_message_bytes");
    }
    if (!changed.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          absl::StrJoin(changed, ", "), " cannot change on reload; restart gatewayd to apply"));
    }
    return absl::OkStatus();
  }

  DaemonOptions opts_;
  std::unique_ptr<audit::AuditLog> audit_;  // null when audit is disabled; outlives the server
  std::unique_ptr<engine::Model> model_;    // null without engine.model_path
  std::unique_ptr<policies::PolicyStore> policy_store_;
  std::unique_ptr<AuditConsentObserver> consent_observer_;
  std::unique_ptr<policies::ConsentManager> consent_manager_;  // borrows policy_store_
  std::unique_ptr<policies::BudgetLedger> budget_ledger_;      // borrows policy_store_
  std::string model_name_;
  std::unique_ptr<DaemonState> state_;
  std::unique_ptr<GatewayServiceImpl> gateway_;
  std::unique_ptr<PolicyConsentService> consent_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<UnixListener> unix_listener_;
  absl::Mutex reload_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool shutdown_requested_ = false;
};

StatusOr<std::unique_ptr<Daemon>> Daemon::Create(DaemonOptions opts) {
  auto impl = std::make_unique<Impl>(std::move(opts));
  GW_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Daemon::~Daemon() = default;
Status Daemon::Start() { return impl_->Start(); }
void Daemon::RunUntilShutdown() { impl_->RunUntilShutdown(); }
void Daemon::RequestShutdown() { impl_->RequestShutdown(); }
void Daemon::RequestReload() { impl_->Reload("signal:SIGHUP"); }
v1::ReloadConfigResponse Daemon::Reload(const std::string& who) { return impl_->Reload(who); }

}  // namespace gw::daemon
