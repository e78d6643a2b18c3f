# audit/: the record-line parser and the verifier read files an attacker may have touched.
gw_add_fuzzer(audit_record_line_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/audit_record_line_fuzz.cc DEPS gw_audit)
gw_add_fuzzer(audit_verify_fuzz
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/audit_verify_fuzz.cc DEPS gw_audit)
