add_executable(daemon_bench ${CMAKE_CURRENT_LIST_DIR}/daemon_bench.cc)
target_link_libraries(daemon_bench PRIVATE gw_proto Threads::Threads)
add_dependencies(daemon_bench gatewayd)
