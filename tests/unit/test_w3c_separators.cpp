#include <darkscan/parse/w3c_separators.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using namespace darkscan;

namespace {

// Every field end of `line` as W3cFormat::parse takes them: each separator, then the line's size,
// from the words `mark` writes (w3c::mark_separators, or its byte-by-byte form, used for lines
// under 16 bytes and without SSE2).
template <typename Mark>
std::vector<std::size_t> ends_by_bits(const std::string& line, char separator, Mark mark) {
  w3c::SeparatorWords words;
  w3c::SeparatorBits next(words, mark(line, separator, words), line.size());
  std::vector<std::size_t> out;
  for (std::size_t pos = 0; pos <= line.size();) {
    out.push_back(next(pos));
    pos = out.back() + 1;
  }
  return out;
}

std::vector<std::size_t> ends_one_by_one(const std::string& line, char separator) {
  std::vector<std::size_t> out;
  for (std::size_t pos = 0; pos <= line.size();) {
    out.push_back(w3c::find_separator(line, pos, separator));
    pos = out.back() + 1;
  }
  return out;
}

std::vector<std::size_t> ends_by_hand(const std::string& line, char separator) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == separator) out.push_back(i);
  out.push_back(line.size());
  return out;
}

} // namespace

TEST_CASE("w3c separators: every field end, found at once or one by one", "[w3c_format]") {
  // Lines of every length across the 16- and 64-byte steps and up to the bitmap's limit, separators
  // anywhere (first byte, last byte, runs of them), bytes next to a space and a tab in value.
  std::mt19937 random(7);
  const char alphabet[] = {' ', '\t', 'a', '\x1f', '!', '\x08', '\x0a', '\xa0', '\x89', '-'};
  std::vector<std::size_t> sizes;
  for (std::size_t n = 0; n <= 300; ++n)
    sizes.push_back(n);
  for (const std::size_t n : {1000, 4031, 4032, 4033, 4095, 4096})
    sizes.push_back(n);
  for (const std::size_t size : sizes) {
    for (int round = 0; round < 4; ++round) {
      std::string line(size, 'x');
      for (char& c : line)
        c = alphabet[random() % (round == 0 ? 3 : sizeof alphabet)];
      for (const char separator : {' ', '\t'}) {
        INFO("size " << size << ", round " << round << ", separator " << int(separator));
        const std::vector<std::size_t> expected = ends_by_hand(line, separator);
        REQUIRE(ends_by_bits(line, separator, w3c::mark_separators) == expected);
        REQUIRE(ends_by_bits(line, separator, w3c::mark_separators_bytewise) == expected);
        REQUIRE(ends_one_by_one(line, separator) == expected);
      }
    }
  }
}

TEST_CASE("w3c separators: the separator is what ends the first field", "[w3c_format]") {
  CHECK(w3c::separator_of("2026-11-20\t07:15:02 x") == '\t');
  CHECK(w3c::separator_of("2026-11-20 07:15:02\tx") == ' ');
  CHECK(w3c::separator_of("a-first-field-of-more-than-sixteen-bytes\tb c") == '\t');
  CHECK(w3c::separator_of("no-separator-at-all") == ' ');
  CHECK(w3c::separator_of("") == ' ');
}
