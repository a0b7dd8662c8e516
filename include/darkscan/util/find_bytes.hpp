#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace darkscan::util {

#if defined(__SSE2__)
// The 16 bytes at `p` as a mask: bit i set when byte i is `x` or `y` (SSE2: two compares).
template <char x, char y> inline unsigned marks16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return static_cast<unsigned>(_mm_movemask_epi8(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(x)), _mm_cmpeq_epi8(v, _mm_set1_epi8(y)))));
}
#endif

// The first byte equal to `x` or `y` in [pos, n), or `n` (`pos` when pos > n). With SSE2 (every
// x86-64 has it): the first 16 bytes, then 32 a turn, then the range's last 16 bytes at once, a
// compare and a mask's lowest bit each; ranges shorter than 16 bytes eight bytes to a word.
template <char x, char y> inline std::size_t first_of(const char* p, std::size_t pos, std::size_t n) {
#if defined(__SSE2__)
  const auto marks = [p](std::size_t at) { return marks16<x, y>(p + at); };
  const auto at_lowest = [&](std::size_t at, unsigned mask) {
    return at + static_cast<std::size_t>(std::countr_zero(mask));
  };
  if (pos + 16 <= n) {
    if (const unsigned mask = marks(pos); mask != 0) return at_lowest(pos, mask);
    for (pos += 16; pos + 32 <= n; pos += 32) {
      if (const unsigned mask = marks(pos) | (marks(pos + 16) << 16); mask != 0) return at_lowest(pos, mask);
    }
    if (pos + 16 <= n) {
      if (const unsigned mask = marks(pos); mask != 0) return at_lowest(pos, mask);
      pos += 16;
    }
    if (pos == n) return n;
    const unsigned mask = marks(n - 16) >> (pos - (n - 16)); // those before pos shifted out
    return mask == 0 ? n : at_lowest(pos, mask);
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    // A byte of the word equal to x (or y) becomes zero after the XOR, and
    // (v - 0x01..) & ~v & 0x80.. marks the lowest zero byte exactly (higher ones may be false marks).
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (pos + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + pos, 8);
      const std::uint64_t vx = word ^ (ones * static_cast<unsigned char>(x));
      const std::uint64_t vy = word ^ (ones * static_cast<unsigned char>(y));
      const std::uint64_t zero = ((vx - ones) & ~vx & highs) | ((vy - ones) & ~vy & highs);
      if (zero != 0) return pos + static_cast<std::size_t>(std::countr_zero(zero) / 8);
      pos += 8;
    }
  }
  while (pos < n && p[pos] != x && p[pos] != y)
    ++pos;
  return pos;
}

} // namespace darkscan::util
