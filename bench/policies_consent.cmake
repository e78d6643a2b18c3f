# policy_bench: p50/p99 of the consent check and of budget reserve+settle (µs) on the SQLite
# store, and reservations/s under 8 concurrent callers. Prints figures; not a CTest.
add_executable(policy_bench ${CMAKE_CURRENT_LIST_DIR}/policy_bench.cc)
target_compile_options(policy_bench PRIVATE ${GW_WARNINGS})
target_link_libraries(policy_bench PRIVATE gw_policies)
