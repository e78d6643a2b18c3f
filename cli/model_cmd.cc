// gatewayctl model info|tokenize|detokenize: offline inspection of a GGUF model file.
//
//   model info FILE [--json]          architecture, parameters, tensor types, context length,
//                                     vocabulary and chat template family
//   model tokenize FILE [--no-bos] TEXT|-
//                                     token ids as a JSON array; "-" reads stdin byte for byte;
//                                     --no-bos: no BOS/EOS (add_special = false)
//   model detokenize FILE IDS [--special]
//                                     the text of IDS ("[1,2,3]", "1,2,3" or "1 2 3")
// Exit codes: 0 ok, 1 the file cannot be used ("gatewayctl: <message>" on stderr), 2 usage.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "local_engine/engine.h"

namespace gw::cli {
namespace {

[[noreturn]] void Exit(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::exit(code);
}

[[noreturn]] void Die(int code, const std::string& msg) {
  std::cout.flush();
  std::cerr << "gatewayctl: " << msg << "\n";
  Exit(code);
}

std::unique_ptr<engine::Model> OpenOrDie(const std::string& path) {
  auto model = engine::Model::Open(path);
  if (!model.ok()) Die(1, std::string(model.status().message()));
  return std::move(*model);
}

std::string Human(uint64_t n) {
  char buf[32];
  if (n >= 1000000000ull) {
    std::snprintf(buf, sizeof(buf), "%.2fB", static_cast<double>(n) / 1e9);
  } else if (n >= 1000000ull) {
    std::snprintf(buf, sizeof(buf), "%.2fM", static_cast<double>(n) / 1e6);
  } else if (n >= 1000ull) {
    std::snprintf(buf, sizeof(buf), "%.1fK", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(n));
  }
  return buf;
}

std::string TypeName(engine::GgmlType t) {
  auto traits = engine::GetGgmlTypeTraits(static_cast<uint32_t>(t));
  return traits ? std::string(traits->name) : std::to_string(static_cast<uint32_t>(t));
}

void Info(const std::string& path, bool json) {
  auto model = OpenOrDie(path);
  const engine::ModelInfo& i = model->info();
  const engine::Tokenizer& tok = model->tokenizer();
  if (json) {
    nlohmann::ordered_json types = nlohmann::ordered_json::object();
    for (const auto& [type, count] : i.tensor_types) types[TypeName(type)] = count;
    nlohmann::ordered_json j = {
        {"file", path},
        {"architecture", i.architecture},
        {"name", i.name},
        {"gguf_version", i.gguf_version},
        {"file_bytes", i.file_bytes},
        {"parameters", i.parameter_count},
        {"tensor_count", i.tensor_count},
        {"tensor_types", types},
        {"context_length", i.context_length},
        {"embedding_length", i.embedding_length},
        {"block_count", i.block_count},
        {"vocab",
         {{"type", std::string(engine::VocabTypeName(i.vocab_type))},
          {"size", i.n_vocab},
          {"pre_tokenizer", std::string(engine::PreTokenizerName(i.pre_tokenizer))},
          {"bos", tok.bos()},
          {"eos", tok.eos()},
          {"add_bos", tok.add_bos()}}},
        {"chat_template",
         {{"family", std::string(engine::ChatTemplateFamilyName(i.chat_template))},
          {"recognised", i.chat_template_recognised}}},
    };
    // Names come from the file: replace invalid UTF-8 instead of throwing.
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  std::string types;
  for (const auto& [type, count] : i.tensor_types) {
    if (!types.empty()) types += ", ";
    types += TypeName(type) + " x" + std::to_string(count);
  }
  std::cout << "file:           " << path << "\n"
            << "architecture:   " << (i.architecture.empty() ? "-" : i.architecture) << "\n"
            << "name:           " << (i.name.empty() ? "-" : i.name) << "\n"
            << "parameters:     " << i.parameter_count << " (" << Human(i.parameter_count) << ")\n"
            << "tensors:        " << i.tensor_count << (types.empty() ? "" : " (" + types + ")")
            << "\n"
            << "context length: " << i.context_length << " tokens\n"
            << "vocabulary:     " << engine::VocabTypeName(i.vocab_type) << ", " << i.n_vocab
            << " tokens, pre-tokenizer " << engine::PreTokenizerName(i.pre_tokenizer) << "\n"
            << "chat template:  " << engine::ChatTemplateFamilyName(i.chat_template)
            << (i.chat_template_recognised ? ""
                                           : " (template absent or not recognised; chatml assumed)")
            << "\n"
            << "gguf version:   " << i.gguf_version << ", " << i.file_bytes << " bytes\n";
}

void Tokenize(const std::string& path, bool no_bos, const std::string& text_arg) {
  std::string text = text_arg;
  if (text_arg == "-") {
    std::cin >> std::noskipws;
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  auto model = OpenOrDie(path);
  auto ids = model->tokenizer().Tokenize(text, /*add_special=*/!no_bos);
  std::cout << nlohmann::json(ids).dump() << "\n";
}

bool ParseIds(const std::string& s, std::vector<engine::TokenId>* ids) {
  std::string cur;
  auto flush = [&]() {
    if (cur.empty()) return true;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(cur.c_str(), &end, 10);
    if (errno != 0 || end == nullptr || *end != '\0' || v < 0 || v > INT32_MAX) return false;
    ids->push_back(static_cast<engine::TokenId>(v));
    cur.clear();
    return true;
  };
  for (char c : s) {
    if (c == '[' || c == ']' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!flush()) return false;
    } else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
      cur.push_back(c);
    } else {
      return false;
    }
  }
  return flush();
}

void Detokenize(const std::string& path, const std::string& ids_arg, bool special) {
  std::vector<engine::TokenId> ids;
  if (!ParseIds(ids_arg, &ids)) {
    Die(2, "IDS must be token ids like \"[1,2,3]\", \"1,2,3\" or \"1 2 3\"");
  }
  auto model = OpenOrDie(path);
  const engine::Tokenizer& tok = model->tokenizer();
  for (engine::TokenId id : ids) {
    if (id >= tok.n_vocab()) {
      Die(1, "token id " + std::to_string(id) + " is outside the vocabulary (" +
                 std::to_string(tok.n_vocab()) + " tokens)");
    }
  }
  std::string text = tok.Detokenize(ids, special);
  std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  std::cout << "\n";
}

}  // namespace

void AddModelCommands(CLI::App& app) {
  CLI::App* model = app.add_subcommand("model", "Inspect a GGUF model file (no daemon needed)");
  model->require_subcommand(1);

  struct Options {
    std::string file;
    std::string text;
    std::string ids;
    bool json = false;
    bool no_bos = false;
    bool special = false;
  };
  auto o = std::make_shared<Options>();

  CLI::App* info = model->add_subcommand("info",
                                         "Architecture, parameters, tensor types, "
                                         "context length, chat template family");
  info->add_option("FILE", o->file, "GGUF file")->required();
  info->add_flag("--json", o->json, "Print JSON");
  info->callback([o] {
    Info(o->file, o->json);
    Exit(0);
  });

  CLI::App* tokenize = model->add_subcommand("tokenize", "Print token ids as a JSON array");
  tokenize->add_option("FILE", o->file, "GGUF file")->required();
  tokenize->add_option("TEXT", o->text, "Text, or - to read standard input")->required();
  tokenize->add_flag("--no-bos", o->no_bos, "Do not add BOS/EOS");
  tokenize->callback([o] {
    Tokenize(o->file, o->no_bos, o->text);
    Exit(0);
  });

  CLI::App* detok = model->add_subcommand("detokenize", "Print the text of token ids");
  detok->add_option("FILE", o->file, "GGUF file")->required();
  detok->add_option("IDS", o->ids, "Token ids: \"[1,2,3]\", \"1,2,3\" or \"1 2 3\"")->required();
  detok->add_flag("--special", o->special, "Render control tokens (e.g. <s>) as text");
  detok->callback([o] {
    Detokenize(o->file, o->ids, o->special);
    Exit(0);
  });
}

}  // namespace gw::cli
