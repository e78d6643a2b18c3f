# Consent tickets and grants, budgets and pricing, and the SQLite policy store.
gw_add_test(policies_consent_budget_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/consent_ticket_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/consent_manager_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/budget_pricing_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/budget_ledger_test.cc
          ${CMAKE_CURRENT_LIST_DIR}/store_sqlite_test.cc
  DEPS gw_policies
  LABELS unit)

# The daemon's Consent service and Admin.BudgetShow handler, and `gatewayctl budget show`, over
# a real loopback gRPC server. Compiles daemon/consent_service.cc and cli/budget_cmd.cc directly
# so that it does not need the rest of gatewayd/gatewayctl.
if(TARGET gw_daemon)
  gw_add_test(policies_consent_service_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/consent_service_test.cc
            ${PROJECT_SOURCE_DIR}/daemon/consent_service.cc
            ${PROJECT_SOURCE_DIR}/cli/budget_cmd.cc
            ${PROJECT_SOURCE_DIR}/cli/cli_util.cc
    DEPS gw_daemon gw_policies CLI11::CLI11 nlohmann_json::nlohmann_json
    LABELS integration)
endif()
