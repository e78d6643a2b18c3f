// Command groups of gatewayctl. Each Add*Commands registers a CLI11 subcommand tree on `app`;
// the handlers run when CLI11 dispatches and exit the process with the command's status
// (0 ok, 1 the operation failed, 2 usage error). Human errors, not stack traces.
#pragma once

#include <CLI/CLI.hpp>

namespace gw::cli {

// chat, explain, models, status, consent, reload — talk to a running gatewayd (cli/daemon_cmd.cc).
void AddDaemonCommands(CLI::App& app);
// model info|tokenize|detokenize — offline, on a GGUF file (cli/model_cmd.cc).
void AddModelCommands(CLI::App& app);

}  // namespace gw::cli
