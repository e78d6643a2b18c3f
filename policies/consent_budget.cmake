# Consent tickets and grants, budgets and pricing, and their SQLite store (policies/consent.h,
# policies/budget.h, policies/store.h). Joins the gw_policies library.
target_sources(gw_policies PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/consent/ticket.cc
  ${CMAKE_CURRENT_LIST_DIR}/consent/manager.cc
  ${CMAKE_CURRENT_LIST_DIR}/budget/pricing.cc
  ${CMAKE_CURRENT_LIST_DIR}/budget/windows.cc
  ${CMAKE_CURRENT_LIST_DIR}/budget/ledger.cc
  ${CMAKE_CURRENT_LIST_DIR}/store/sqlite_store.cc)
target_link_libraries(gw_policies PUBLIC SQLite::SQLite3 OpenSSL::Crypto absl::time
                      absl::str_format)
