# gatewayctl model info|tokenize|detokenize (cli/model_cmd.cc): offline, on a GGUF file.
target_sources(gw_cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/model_cmd.cc)
target_link_libraries(gw_cli PUBLIC gw_local_engine)
