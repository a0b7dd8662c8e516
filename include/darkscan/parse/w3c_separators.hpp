#pragma once

// Where the fields of a W3C extended log line (IIS, CloudFront) end: the separator of the line, and
// every place it occurs. Inline, for W3cFormat::parse's loop over a line's fields.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace darkscan::w3c {

// The first `separator` in `line` from `pos`, or line.size(): 16 bytes at a time with SSE2 (part of
// every x86-64), else 8 at a time (the zero-byte test of "Bit Twiddling Hacks"), since fields run from
// two bytes to a user agent's hundreds, and a call to memchr per field was a tenth of a run.
inline std::size_t find_separator(std::string_view line, std::size_t pos, char separator) {
  const char* data = line.data();
#if defined(__SSE2__)
  const __m128i pattern = _mm_set1_epi8(separator);
  while (pos + 16 <= line.size()) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + pos));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, pattern)));
    if (mask) return pos + static_cast<std::size_t>(__builtin_ctz(mask));
    pos += 16;
  }
#endif
  constexpr std::uint64_t k_ones = 0x0101010101010101ull, k_highs = 0x8080808080808080ull;
  const std::uint64_t pattern8 = k_ones * static_cast<unsigned char>(separator);
  while (pos + 8 <= line.size()) {
    std::uint64_t word;
    std::memcpy(&word, data + pos, 8);
    word ^= pattern8;
    const std::uint64_t zero = (word - k_ones) & ~word & k_highs;
    if (zero) return pos + static_cast<std::size_t>(__builtin_ctzll(zero) >> 3);
    pos += 8;
  }
  while (pos < line.size() && data[pos] != separator)
    ++pos;
  return pos;
}

// The separator is what ends the first field: a tab (CloudFront) or a space (IIS). Values hold
// neither (both servers encode them), so the first one found says it; a memchr for a tab over the
// whole line was a third of the time W3cFormat::parse spent outside its fields.
inline char separator_of(std::string_view line) {
  std::size_t i = 0;
#if defined(__SSE2__)
  if (line.size() >= 16) { // the first field is a date (10 bytes) or an address: in the first 16
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(line.data()));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(chunk, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(chunk, _mm_set1_epi8('\t')))));
    if (mask) return line[static_cast<std::size_t>(__builtin_ctz(mask))];
    i = 16;
  }
#endif
  for (; i < line.size(); ++i) {
    if (line[i] == ' ' || line[i] == '\t') return line[i];
  }
  return ' ';
}

// Where a line's fields end, for lines of up to k_bitmap_max bytes: every separator found at once,
// one bit per byte, 64 bytes to a word built in a register, then taken in order with a count of
// trailing zeros. A call to find_separator() per field cost about 25 instructions, more in the
// line's last 16 bytes, where its 16-byte steps do not fit (callgrind). Longer lines are searched
// field by field. Returns the number of words written.
inline constexpr std::size_t k_bitmap_max = 4096;
using SeparatorWords = std::uint64_t[k_bitmap_max / 64 + 1];

// mark_separators() byte by byte, for lines under 16 bytes and machines without SSE2: the words
// are the same.
inline std::size_t mark_separators_bytewise(std::string_view line, char separator, SeparatorWords& words) {
  std::size_t w = 0;
  std::uint64_t bits = 0;
  for (std::size_t j = 0; j < line.size(); ++j) {
    if (j % 64 == 0 && j > 0) {
      words[w++] = bits;
      bits = 0;
    }
    bits |= static_cast<std::uint64_t>(line[j] == separator) << (j % 64);
  }
  words[w] = bits;
  return w + 1;
}

inline std::size_t mark_separators(std::string_view line, char separator, SeparatorWords& words) {
#if defined(__SSE2__)
  const char* data = line.data();
  const std::size_t size = line.size();
  if (size < 16) return mark_separators_bytewise(line, separator, words);
  std::size_t i = 0, w = 0, j = 0;
  std::uint64_t last = 0;
  const __m128i pattern = _mm_set1_epi8(separator);
  const auto mask16 = [&](const char* at) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    return static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, pattern))));
  };
  for (; i + 64 <= size; i += 64, ++w)
    words[w] = mask16(data + i) | mask16(data + i + 16) << 16 | mask16(data + i + 32) << 32 |
               mask16(data + i + 48) << 48;
  for (j = i; j + 16 <= size; j += 16)
    last |= mask16(data + j) << (j - i);
  if (j < size) // the last bytes: the 16 that end the line, less those already seen
    last |= (mask16(data + size - 16) >> (16 - (size - j))) << (j - i);
  words[w] = last;
  return w + 1;
#else
  return mark_separators_bytewise(line, separator, words);
#endif
}

// The ends of a line's fields, in order, from mark_separators()' words: called with where the field
// starts (which it knows), it gives where the field ends.
class SeparatorBits {
public:
  SeparatorBits(const SeparatorWords& words, std::size_t count, std::size_t size)
      : m_words(words), m_end(count * 64), m_size(size), m_bits(words[0]) {}
  std::size_t operator()(std::size_t) {
    while (m_bits == 0) {
      m_base += 64;
      if (m_base >= m_end) return m_size;
      m_bits = m_words[m_base / 64];
    }
    const std::size_t at = m_base + static_cast<std::size_t>(__builtin_ctzll(m_bits));
    m_bits &= m_bits - 1;
    return at;
  }

private:
  const std::uint64_t* m_words;
  std::size_t m_end, m_size, m_base = 0;
  std::uint64_t m_bits;
};

} // namespace darkscan::w3c
