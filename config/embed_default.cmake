# Turns INPUT (a YAML file) into OUTPUT, a C++ source defining gw::config::internal::kDefaultYaml.
# Run with: cmake -DINPUT=... -DOUTPUT=... -P embed_default.cmake
file(READ "${INPUT}" content)
string(FIND "${content}" ")gwyaml\"" bad)
if(NOT bad EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )gwyaml\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from config/default.yaml by config/embed_default.cmake. Do not edit.\n"
  "#include <string_view>\n\n"
  "namespace gw::config::internal {\n"
  "extern const std::string_view kDefaultYaml;\n"
  "const std::string_view kDefaultYaml = R\"gwyaml(${content})gwyaml\";\n"
  "}  // namespace gw::config::internal\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
