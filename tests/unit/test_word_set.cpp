#include <darkscan/util/word_set.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>

using darkscan::util::WordSet;

TEST_CASE("word_set: the same answers as std::set, through its growth", "[word_set]") {
  WordSet words;
  CHECK_FALSE(words.contains(1));
  std::set<std::uint64_t> expected;
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 3000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    // Half of them share their top byte and differ in the low bits, as packed extensions of one
    // length do (the length is the top byte).
    const std::uint64_t word = i % 2 == 0 ? x : (x & 0xFF00000000000000ULL) | static_cast<std::uint64_t>(i);
    words.insert(word);
    words.insert(word); // twice: once in the set
    expected.insert(word);
  }
  CHECK(words.size() == expected.size());
  for (std::uint64_t w : expected)
    CHECK(words.contains(w));
  std::size_t strangers = 0;
  for (std::uint64_t w = 1; w < 5000; ++w) {
    CHECK(words.contains(w) == (expected.count(w) == 1));
    strangers += expected.count(w) == 0;
  }
  CHECK(strangers > 4000);
  words.insert(0); // marks empty slots: never a member
  CHECK_FALSE(words.contains(0));
  CHECK(words.size() == expected.size());
}
