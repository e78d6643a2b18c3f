# policies/: the data scanner (all built-ins + a dictionary + regexes) and redaction round trip,
# and the Presidio-format evaluation file parser.
gw_add_fuzzer(scan_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/scan_fuzz.cc DEPS gw_policies)
