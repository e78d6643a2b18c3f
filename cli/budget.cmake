# gatewayctl budget show (cli/budget_cmd.cc): talks to gatewayd's Admin.BudgetShow; needs only
# proto (already linked by gw_cli).
target_sources(gw_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/budget_cmd.cc)
