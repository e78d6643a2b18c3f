// policies_scan_cli: the `scan` command group alone (see tests/policies/CMakeLists.txt).
#include <CLI/CLI.hpp>

#include "cli/scan_cmd.h"

int main(int argc, char** argv) {
  CLI::App app{"gatewayctl scan, stand-alone"};
  app.require_subcommand(1);
  gw::cli::AddScanCommands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
