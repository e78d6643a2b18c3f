// Chat templates: detection from real template texts and rendering against the families'
// published formats (expected strings written by hand from the model cards / Jinja templates).
#include "gtest/gtest.h"
#include "local_engine/engine.h"

namespace gw::engine {
namespace {

const std::vector<ChatMessage> kConversation = {
    {"system", "You are helpful."},
    {"user", "Hi"},
    {"assistant", "Hello!"},
    {"user", "How are you?"},
};

// Excerpts of the published templates (enough for detection).
constexpr const char* kQwen25 =
    "{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + message.content + "
    "'<|im_end|>' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- "
    "'<|im_start|>assistant\\n' }}{%- endif %}";
constexpr const char* kLlama3 =
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | "
    "trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% "
    "endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ "
    "'<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";
constexpr const char* kLlama2 =
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set "
    "system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set "
    "system_message = false %}{% endif %}{% for message in loop_messages %}{% if loop.index0 == 0 "
    "and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + "
    "'\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% "
    "endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' "
    "[/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + "
    "eos_token }}{% endif %}{% endfor %}";
constexpr const char* kMistral02 =
    "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' + "
    "message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ "
    "message['content'] + eos_token}}{% endif %}{% endfor %}";
constexpr const char* kPhi3 =
    "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + "
    "message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + "
    "message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' "
    "%}{{'<|assistant|>\\n' + message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if "
    "add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}";
constexpr const char* kZephyr =
    "{% for message in messages %}\\n{% if message['role'] == 'user' %}\\n{{ '<|user|>\\n' + "
    "message['content'] + eos_token }}\\n{% elif message['role'] == 'system' %}\\n{{ "
    "'<|system|>\\n' + message['content'] + eos_token }}\\n{% elif message['role'] == "
    "'assistant' %}\\n{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\\n{% endif "
    "%}\\n{% if loop.last and add_generation_prompt %}\\n{{ '<|assistant|>' }}\\n{% endif %}\\n{% "
    "endfor %}";
constexpr const char* kGemma =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'assistant') %}{% set "
    "role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + "
    "role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if "
    "add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}";

struct FamilyCase {
  const char* name;
  const char* jinja;
  ChatTemplateFamily family;
  std::string expected;  // kConversation with add_generation_prompt, eos "</s>"
};

class ChatTemplateFamilyTest : public ::testing::TestWithParam<FamilyCase> {};

TEST_P(ChatTemplateFamilyTest, DetectsAndRendersPublishedFormat) {
  const FamilyCase& c = GetParam();
  bool recognised = false;
  ChatTemplate t = ChatTemplate::Detect(c.jinja, &recognised);
  EXPECT_TRUE(recognised);
  EXPECT_EQ(t.family(), c.family);
  EXPECT_EQ(t.Render(kConversation, /*add_generation_prompt=*/true, "</s>"), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Families, ChatTemplateFamilyTest,
    ::testing::Values(
        FamilyCase{"chatml", kQwen25, ChatTemplateFamily::kChatMl,
                   "<|im_start|>system\nYou are helpful.<|im_end|>\n"
                   "<|im_start|>user\nHi<|im_end|>\n"
                   "<|im_start|>assistant\nHello!<|im_end|>\n"
                   "<|im_start|>user\nHow are you?<|im_end|>\n"
                   "<|im_start|>assistant\n"},
        FamilyCase{"llama3", kLlama3, ChatTemplateFamily::kLlama3,
                   "<|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|>"
                   "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                   "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                   "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
                   "<|start_header_id|>assistant<|end_header_id|>\n\n"},
        FamilyCase{"llama2", kLlama2, ChatTemplateFamily::kLlama2,
                   "[INST] <<SYS>>\nYou are helpful.\n<</SYS>>\n\nHi [/INST] Hello! </s>"
                   "<s>[INST] How are you? [/INST]"},
        FamilyCase{"phi3", kPhi3, ChatTemplateFamily::kPhi3,
                   "<|system|>\nYou are helpful.<|end|>\n<|user|>\nHi<|end|>\n"
                   "<|assistant|>\nHello!<|end|>\n<|user|>\nHow are you?<|end|>\n"
                   "<|assistant|>\n"},
        FamilyCase{"zephyr", kZephyr, ChatTemplateFamily::kZephyr,
                   "<|system|>\nYou are helpful.</s>\n<|user|>\nHi</s>\n"
                   "<|assistant|>\nHello!</s>\n<|user|>\nHow are you?</s>\n<|assistant|>\n"},
        FamilyCase{"gemma", kGemma, ChatTemplateFamily::kGemma,
                   "<start_of_turn>user\nYou are helpful.\n\nHi<end_of_turn>\n"
                   "<start_of_turn>model\nHello!<end_of_turn>\n"
                   "<start_of_turn>user\nHow are you?<end_of_turn>\n"
                   "<start_of_turn>model\n"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ChatTemplateTest, MistralWithoutSystemSupport) {
  ChatTemplate t = ChatTemplate::Detect(kMistral02);
  EXPECT_EQ(t.family(), ChatTemplateFamily::kLlama2);
  EXPECT_FALSE(t.llama2_system());
  std::vector<ChatMessage> m = {{"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Bye"}};
  EXPECT_EQ(t.Render(m, true, "</s>"), "[INST] Hi [/INST]Hello!</s>[INST] Bye [/INST]");
}

TEST(ChatTemplateTest, WithoutGenerationPrompt) {
  std::vector<ChatMessage> m = {{"user", "Hi"}, {"assistant", "Yo"}};
  EXPECT_EQ(ChatTemplate::ForFamily(ChatTemplateFamily::kChatMl).Render(m, false),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n");
  // Phi-3 closes a finished conversation with EOS.
  EXPECT_EQ(ChatTemplate::ForFamily(ChatTemplateFamily::kPhi3).Render(m, false, "<|endoftext|>"),
            "<|user|>\nHi<|end|>\n<|assistant|>\nYo<|end|>\n<|endoftext|>");
  // Llama 3 and Gemma trim content as their templates do.
  std::vector<ChatMessage> padded = {{"user", "  Hi \n"}};
  EXPECT_EQ(ChatTemplate::ForFamily(ChatTemplateFamily::kLlama3).Render(padded, false),
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
  EXPECT_EQ(ChatTemplate::ForFamily(ChatTemplateFamily::kGemma).Render(padded, false),
            "<start_of_turn>user\nHi<end_of_turn>\n");
}

TEST(ChatTemplateTest, UnknownTemplateFallsBackToChatMl) {
  bool recognised = true;
  ChatTemplate t = ChatTemplate::Detect("{{ messages | tojson }}", &recognised);
  EXPECT_FALSE(recognised);
  EXPECT_EQ(t.family(), ChatTemplateFamily::kChatMl);
  EXPECT_EQ(ChatTemplateFamilyName(t.family()), "chatml");
}

}  // namespace
}  // namespace gw::engine
