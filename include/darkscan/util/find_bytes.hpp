#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace darkscan::util {

// The first byte equal to `x` or `y` at or after `pos`, or `n`. Sixteen bytes at a time with SSE2
// (every x86-64 has it): two compares, a mask of the bytes that matched, its lowest bit; the last
// 16 bytes of the range at once. Ranges shorter than 16 bytes eight at a time: a byte of the word equal to x
// (or y) becomes zero after the XOR, and (v - 0x01..) & ~v & 0x80.. marks the lowest zero byte exactly
// (higher ones may be false marks). Callgrind put the eight-byte loop at 265 instructions a line (the
// combined format's tokens and path, combined_fast.cpp).
template <char x, char y> inline std::size_t first_of(const char* p, std::size_t pos, std::size_t n) {
#if defined(__SSE2__)
  const __m128i wanted_x = _mm_set1_epi8(x), wanted_y = _mm_set1_epi8(y);
  const auto marks = [&](std::size_t at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, wanted_x), _mm_cmpeq_epi8(v, wanted_y))));
  };
  if (pos + 16 <= n) {
    for (; pos + 16 <= n; pos += 16) {
      if (const unsigned mask = marks(pos); mask != 0)
        return pos + static_cast<std::size_t>(std::countr_zero(mask));
    }
    if (pos == n) return n;
    // The last bytes: the 16 that end the range, those before `pos` shifted out.
    const unsigned mask = marks(n - 16) >> (pos - (n - 16));
    return mask == 0 ? n : pos + static_cast<std::size_t>(std::countr_zero(mask));
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
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
