# gatewayctl scan / scan eval (cli/scan_cmd.cc): offline, on a file; needs the detectors.
target_sources(gw_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/scan_cmd.cc)
target_link_libraries(gw_cli PUBLIC gw_policies)
