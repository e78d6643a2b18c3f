// gatewayd: the local LLM routing gateway daemon.
//
//   gatewayd [--config FILE] [--socket PATH] [--state-dir DIR] [--check-config]
//
// Signals: SIGTERM/SIGINT drain and exit 0; SIGHUP reloads the config (the old one stays if the
// new one is invalid). Exit codes: 0 clean stop or valid config; 1 start-up failure; 2 usage.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <thread>

#include "common/logging.h"
#include "daemon/daemon.h"

namespace {

int CheckConfig(const gw::daemon::DaemonOptions& opts) {
  auto cfg = gw::daemon::LoadEffectiveConfig(opts);
  if (!cfg.ok()) {
    std::cerr << "gatewayd: config invalid: " << cfg.status().message() << "\n";
    return 1;
  }
  std::cout << "config ok: " << cfg->source << " (sha256 " << cfg->digest << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gatewayd — local/cloud LLM routing gateway daemon"};
  gw::daemon::DaemonOptions opts;
  std::string socket_path;
  std::string state_dir;
  bool check_only = false;
  app.add_option("--config", opts.config_path, "YAML config file (default: embedded config)");
  app.add_option("--socket", socket_path, "Unix socket path (overrides server.unix_socket.path)");
  app.add_option("--state-dir", state_dir, "State directory (overrides server.state_dir)");
  app.add_flag("--check-config", check_only, "Validate the config and exit (0 valid, 1 invalid)");
  app.set_version_flag("--version", GATEWAYD_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!socket_path.empty()) opts.socket_path = socket_path;
  if (!state_dir.empty()) opts.state_dir = state_dir;
  if (check_only) return CheckConfig(opts);

  // Block the signals in every thread; one thread receives them with sigwait.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // A file-size limit must fail writes (EFBIG → the audit log fails closed), not kill us.
  signal(SIGXFSZ, SIG_IGN);

  gw::log::InitLogging(gw::log::Format::kText, "info");
  auto daemon = gw::daemon::Daemon::Create(opts);
  if (!daemon.ok()) {
    std::cerr << "gatewayd: cannot start: " << daemon.status().message() << "\n";
    return 1;
  }
  if (auto s = (*daemon)->Start(); !s.ok()) {
    std::cerr << "gatewayd: cannot start: " << s.message() << "\n";
    return 1;
  }
  auto* d = daemon->get();
  std::thread signal_thread([d, sigs] {
    for (;;) {
      int sig = 0;
      if (sigwait(&sigs, &sig) != 0) continue;
      if (sig == SIGHUP) {
        d->RequestReload();
        continue;
      }
      gw::log::Info("", "received {}", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      d->RequestShutdown();
      return;
    }
  });
  d->RunUntilShutdown();
  signal_thread.join();
  return 0;
}
