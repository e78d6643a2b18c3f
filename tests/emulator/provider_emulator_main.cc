// provider_emulator: runs a ProviderEmulator until SIGINT/SIGTERM or stdin closes.
//   provider_emulator --provider anthropic --listen 127.0.0.1:0 [--cert c.pem --key k.pem]
//                     [--script "429:1,reset_mid:2"]
// Prints "listening on <port>" on stdout once accepting.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/emulator/emulator.h"

namespace {
bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Loopback LLM provider emulator (tests and demo)"};
  std::string provider = "openai", listen = "127.0.0.1:0", cert, key, script;
  app.add_option("--provider", provider, "openai|azure_openai|openai_compatible|anthropic|gemini");
  app.add_option("--listen", listen, "address:port (port 0 = any)");
  app.add_option("--cert", cert, "PEM certificate chain (enables TLS)");
  app.add_option("--key", key, "PEM private key");
  app.add_option("--script", script, "comma-separated faults, e.g. 429:1,500,reset_mid:2");
  CLI11_PARSE(app, argc, argv);

  gw::emulator::EmulatorOptions o;
  auto wire = gw::emulator::ParseWire(provider);
  if (!wire.ok()) {
    std::fprintf(stderr, "%s\n", std::string(wire.status().message()).c_str());
    return 2;
  }
  o.wire = *wire;
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--listen must be address:port\n");
    return 2;
  }
  o.address = listen.substr(0, colon);
  o.port = static_cast<uint16_t>(std::stoi(listen.substr(colon + 1)));
  if (!cert.empty() && (!ReadAll(cert, &o.cert_pem) || !ReadAll(key, &o.key_pem))) {
    std::fprintf(stderr, "cannot read --cert/--key\n");
    return 2;
  }
  gw::emulator::ProviderEmulator emu(o);
  if (!script.empty()) {
    auto faults = gw::emulator::ParseScript(script);
    if (!faults.ok()) {
      std::fprintf(stderr, "%s\n", std::string(faults.status().message()).c_str());
      return 2;
    }
    emu.SetScript(*faults);
  }
  if (auto s = emu.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("listening on %u\n", emu.port());
  std::fflush(stdout);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread stdin_watch([] {
    char buf[256];
    while (std::fread(buf, 1, sizeof(buf), stdin) > 0) {
    }
    kill(getpid(), SIGTERM);
  });
  stdin_watch.detach();
  int sig = 0;
  sigwait(&set, &sig);
  emu.Stop();
  return 0;
}
