# local_engine benchmarks (programs that print figures).
add_executable(tokenizer_bench ${CMAKE_CURRENT_LIST_DIR}/tokenizer_bench.cc)
target_compile_definitions(tokenizer_bench PRIVATE GW_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_compile_options(tokenizer_bench PRIVATE ${GW_WARNINGS})
target_link_libraries(tokenizer_bench PRIVATE gw_local_engine)
