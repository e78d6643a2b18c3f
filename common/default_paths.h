// Default locations shared by gatewayd and gatewayctl. Thread-safety: pure (reads environment).
#pragma once

#include <cstdlib>
#include <string>

namespace gw {

// $XDG_RUNTIME_DIR/gatewayd/gatewayd.sock if XDG_RUNTIME_DIR is set, else
// /run/gatewayd/gatewayd.sock.
inline std::string DefaultSocketPath() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/gatewayd/gatewayd.sock";
  return "/run/gatewayd/gatewayd.sock";
}

// $XDG_STATE_HOME/gatewayd if XDG_STATE_HOME is set, else /var/lib/gatewayd.
inline std::string DefaultStateDir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/gatewayd";
  return "/var/lib/gatewayd";
}

}  // namespace gw
