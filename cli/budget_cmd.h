// gatewayctl budget show [--principal P] [--json] [connection flags]: spent, reserved and
// remaining money per budget and calendar window, from the daemon's Admin.BudgetShow RPC.
// Thread-safety: single-threaded CLI use.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

#include "cli/cli_util.h"
#include "gateway/v1/gateway.pb.h"

namespace gw::cli {

// Registers `budget show` on `app`.
void AddBudgetCommands(CLI::App& app);

// Calls Admin.BudgetShow for `principal` ("" = the caller) and prints the result to `out` (a
// table, or JSON with o.json). Returns the exit code: 0 ok, 1 the RPC failed (message on
// stderr via ReportRpcError).
int RunBudgetShow(const ConnectOptions& o, const std::string& principal, std::ostream& out);

// The human-readable table, one line per budget and window; amounts in USD with 6 decimals.
std::string FormatBudgetTable(const gateway::v1::BudgetShowResponse& r);

}  // namespace gw::cli
