# gatewayctl audit verify|tail|query|export|pubkey (cli/audit_cmd.cc): offline, on an audit dir.
target_sources(gw_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/audit_cmd.cc)
target_link_libraries(gw_cli PUBLIC gw_audit)
