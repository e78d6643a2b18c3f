# Fuzzers of the config module (included by tests/fuzz/CMakeLists.txt).
gw_add_fuzzer(config_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/config_fuzz.cc
  DEPS gw_config)
