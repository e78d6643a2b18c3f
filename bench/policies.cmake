# scan_bench: data-scan throughput (MB/s per core) on 2 KB and 1 MB mixed texts, built-in
# detectors + 1,000 dictionary terms + 20 custom regexes. Prints figures; not a CTest.
add_executable(scan_bench ${CMAKE_CURRENT_LIST_DIR}/scan_bench.cc)
target_compile_options(scan_bench PRIVATE ${GW_WARNINGS})
target_link_libraries(scan_bench PRIVATE gw_policies)
