// Pre-tokenizer splits against the Hugging Face regular expressions (expected words generated
// once with Python's `regex` module, which supports \p{..} and lookahead).
#include "local_engine/vocab/pre_tokenizer.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "local_engine/vocab/unicode.h"

namespace gw::engine {
namespace {

struct SplitCase {
  PreTokenizerType type;
  std::string text;
  std::vector<std::string> words;
};

// Generated with Python's `regex` module and the Hugging Face expressions.
const SplitCase kSplitCases[] = {
    {PreTokenizerType::kGpt2,
     "Hello world's  12345 !!!\n\n x",
     {"Hello", " world", "'s", " ", " 12345", " !!!", "\n\n", " x"}},
    {PreTokenizerType::kGpt2,
     "I'LL DO IT'S   \t\n  end  ",
     {"I", "'", "LL", " DO", " IT", "'", "S", "   \t\n ", " end", "  "}},
    {PreTokenizerType::kGpt2,
     "東京は日本の首都です。Привет, мир! 🚀 café",
     {"東京は日本の首都です", "。", "Привет", ",", " мир", "!", " 🚀", " café"}},
    {PreTokenizerType::kGpt2,
     "a1b22c333d4444 ٣٤٥ ½",
     {"a", "1", "b", "22", "c", "333", "d", "4444", " ٣٤٥", " ½"}},
    {PreTokenizerType::kGpt2,
     " 　x y  \r\n\r\nz",
     {" ", "　", "x", " ", "y", "  \r\n\r", "\n", "z"}},
    {PreTokenizerType::kGpt2,
     "(x)=>{return x*2;}//ok",
     {"(", "x", ")=>{", "return", " x", "*", "2", ";}//", "ok"}},
    {PreTokenizerType::kGpt2, "'s 's'S''ll", {"'s", " '", "s", "'", "S", "''", "ll"}},
    {PreTokenizerType::kGpt2, "   ", {"   "}},
    {PreTokenizerType::kLlama3,
     "Hello world's  12345 !!!\n\n x",
     {"Hello", " world", "'s", " ", " ", "123", "45", " !!!\n\n", " x"}},
    {PreTokenizerType::kLlama3,
     "I'LL DO IT'S   \t\n  end  ",
     {"I", "'LL", " DO", " IT", "'S", "   \t\n", " ", " end", "  "}},
    {PreTokenizerType::kLlama3,
     "東京は日本の首都です。Привет, мир! 🚀 café",
     {"東京は日本の首都です", "。Привет", ",", " мир", "!", " 🚀", " café"}},
    {PreTokenizerType::kLlama3,
     "a1b22c333d4444 ٣٤٥ ½",
     {"a", "1", "b", "22", "c", "333", "d", "444", "4", " ", "٣٤٥", " ", "½"}},
    {PreTokenizerType::kLlama3, " 　x y  \r\n\r\nz", {" ", "　x", " y", "  \r\n\r\n", "z"}},
    {PreTokenizerType::kLlama3,
     "(x)=>{return x*2;}//ok",
     {"(x", ")=>{", "return", " x", "*", "2", ";}//", "ok"}},
    {PreTokenizerType::kLlama3, "'s 's'S''ll", {"'s", " '", "s", "'S", "''", "ll"}},
    {PreTokenizerType::kLlama3, "   ", {"   "}},
    {PreTokenizerType::kQwen2,
     "Hello world's  12345 !!!\n\n x",
     {"Hello", " world", "'s", " ", " ", "1", "2", "3", "4", "5", " !!!\n\n", " x"}},
    {PreTokenizerType::kQwen2,
     "I'LL DO IT'S   \t\n  end  ",
     {"I", "'LL", " DO", " IT", "'S", "   \t\n", " ", " end", "  "}},
    {PreTokenizerType::kQwen2,
     "東京は日本の首都です。Привет, мир! 🚀 café",
     {"東京は日本の首都です", "。Привет", ",", " мир", "!", " 🚀", " café"}},
    {PreTokenizerType::kQwen2, "a1b22c333d4444 ٣٤٥ ½", {"a", "1", "b", "2", "2", "c", "3",
                                                        "3", "3", "d", "4", "4", "4", "4",
                                                        " ", "٣", "٤", "٥", " ", "½"}},
    {PreTokenizerType::kQwen2, " 　x y  \r\n\r\nz", {" ", "　x", " y", "  \r\n\r\n", "z"}},
    {PreTokenizerType::kQwen2,
     "(x)=>{return x*2;}//ok",
     {"(x", ")=>{", "return", " x", "*", "2", ";}//", "ok"}},
    {PreTokenizerType::kQwen2, "'s 's'S''ll", {"'s", " '", "s", "'S", "''", "ll"}},
    {PreTokenizerType::kQwen2, "   ", {"   "}},
    {PreTokenizerType::kSmolLm,
     "Hello world's  12345 !!!\n\n x",
     {"Hello", " world", "'s", "  ", "1", "2", "3", "4", "5", " !!!", "\n\n", " x"}},
    {PreTokenizerType::kSmolLm,
     "I'LL DO IT'S   \t\n  end  ",
     {"I", "'", "LL", " DO", " IT", "'", "S", "   \t\n ", " end", "  "}},
    {PreTokenizerType::kSmolLm,
     "東京は日本の首都です。Привет, мир! 🚀 café",
     {"東京は日本の首都です", "。", "Привет", ",", " мир", "!", " 🚀", " café"}},
    {PreTokenizerType::kSmolLm, "a1b22c333d4444 ٣٤٥ ½", {"a", "1", "b", "2", "2", "c", "3",
                                                         "3", "3", "d", "4", "4", "4", "4",
                                                         " ", "٣", "٤", "٥", " ", "½"}},
    {PreTokenizerType::kSmolLm,
     " 　x y  \r\n\r\nz",
     {" ", "　", "x", " ", "y", "  \r\n\r", "\n", "z"}},
    {PreTokenizerType::kSmolLm,
     "(x)=>{return x*2;}//ok",
     {"(", "x", ")=>{", "return", " x", "*", "2", ";}//", "ok"}},
    {PreTokenizerType::kSmolLm, "'s 's'S''ll", {"'s", " '", "s", "'", "S", "''", "ll"}},
    {PreTokenizerType::kSmolLm, "   ", {"   "}},
};

std::vector<std::string> Split(PreTokenizerType type, const std::string& text) {
  std::vector<uint32_t> cpts;
  unicode::DecodeLenient(text, &cpts);
  std::vector<uint32_t> lens;
  SplitWords(type, cpts.data(), cpts.size(), &lens);
  std::vector<std::string> words;
  size_t pos = 0;
  for (uint32_t len : lens) {
    std::string w;
    for (uint32_t k = 0; k < len; ++k) unicode::AppendUtf8(cpts[pos + k], &w);
    pos += len;
    words.push_back(w);
  }
  EXPECT_EQ(pos, cpts.size());
  return words;
}

TEST(PreTokenizerTest, MatchesRegexSplits) {
  for (const SplitCase& c : kSplitCases) {
    EXPECT_EQ(Split(c.type, c.text), c.words)
        << PreTokenizerName(c.type) << " on \"" << c.text << "\"";
  }
}

TEST(UnicodeTest, CategoriesAndByteMap) {
  EXPECT_EQ(unicode::Flags('a'), unicode::kLetter);
  EXPECT_EQ(unicode::Flags(0x6771), unicode::kLetter);  // 東
  EXPECT_EQ(unicode::Flags('7'), unicode::kNumber);
  EXPECT_EQ(unicode::Flags(0x00BD), unicode::kNumber);  // ½ (No)
  EXPECT_EQ(unicode::Flags(0x3000), unicode::kWhitespace);
  EXPECT_EQ(unicode::Flags(0x1F680), 0);  // 🚀 (So)
  EXPECT_EQ(unicode::Flags(0x110000), 0);
  for (int b = 0; b < 256; ++b) {
    EXPECT_EQ(unicode::CodepointToByte(unicode::ByteToCodepoint(static_cast<uint8_t>(b))), b);
  }
  EXPECT_EQ(unicode::ByteToCodepoint(' '), 0x120u);  // "Ġ"
  std::vector<uint32_t> cpts;
  EXPECT_TRUE(unicode::DecodeLenient("a\xC3\xA9", &cpts));
  EXPECT_EQ(cpts, (std::vector<uint32_t>{'a', 0xE9}));
  EXPECT_FALSE(unicode::DecodeLenient("\xC0\x80x\xFF", &cpts));  // overlong NUL, stray byte
  EXPECT_EQ(cpts, (std::vector<uint32_t>{0, 'x', 0xFFFD}));
}

}  // namespace
}  // namespace gw::engine
