// gatewayctl: the command-line client of gatewayd, plus offline tools (model, audit, scan).
// Exit codes: 0 ok; 1 the operation failed (message on stderr); 2 usage error; 3 consent
// required and not given.
#include <iostream>

#include "cli/commands.h"
#ifdef GW_CLI_HAS_audit
#include "cli/audit_cmd.h"
#endif
#ifdef GW_CLI_HAS_budget
#include "cli/budget_cmd.h"
#endif
#ifdef GW_CLI_HAS_scan
#include "cli/scan_cmd.h"
#endif

int main(int argc, char** argv) {
  CLI::App app{"gatewayctl — talk to gatewayd and inspect its files"};
  app.require_subcommand(1);
  app.set_version_flag("--version", GATEWAYD_VERSION);
  gw::cli::AddDaemonCommands(app);
#ifdef GW_CLI_HAS_model
  gw::cli::AddModelCommands(app);
#endif
#ifdef GW_CLI_HAS_audit
  gw::cli::AddAuditCommands(app);
#endif
#ifdef GW_CLI_HAS_scan
  gw::cli::AddScanCommands(app);
#endif
#ifdef GW_CLI_HAS_budget
  gw::cli::AddBudgetCommands(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
