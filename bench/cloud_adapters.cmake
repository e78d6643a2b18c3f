# adapter_bench: client overhead of cloud_adapters vs a bare Beast client on the emulator.
if(TARGET gw_provider_emulator)
  add_executable(adapter_bench ${CMAKE_CURRENT_LIST_DIR}/adapter_bench.cc)
  target_compile_options(adapter_bench PRIVATE ${GW_WARNINGS})
  target_link_libraries(adapter_bench PRIVATE gw_cloud_adapters gw_provider_emulator)
endif()
