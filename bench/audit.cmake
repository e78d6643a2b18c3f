add_executable(audit_bench ${CMAKE_CURRENT_LIST_DIR}/audit_bench.cc)
target_compile_options(audit_bench PRIVATE ${GW_WARNINGS})
target_link_libraries(audit_bench PRIVATE gw_audit)
