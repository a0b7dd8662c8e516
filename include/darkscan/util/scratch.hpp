#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

namespace darkscan::util {

// Room of fixed size for the values a parser has to rewrite (JSON escapes, W3C's %XX and '+'), so
// that a Hit's views stay valid as long as the room: a parallel scan gives each block a room as
// large as the block's text (a rewritten value is never longer than the value as logged), the
// serial scan one line's. Never grows, so earlier views are never moved; does not own the bytes.
class Scratch {
public:
  Scratch() = default;
  Scratch(char* data, std::size_t size) : m_data(data), m_size(size) {}

  // `n` bytes to write a value into, or nullptr when the room is full; keep(n) then makes them
  // part of the room.
  char* reserve(std::size_t n) { return n <= m_size - m_used ? m_data + m_used : nullptr; }
  std::string_view keep(std::size_t n) {
    std::string_view kept(m_data + m_used, n);
    m_used += n;
    return kept;
  }
  void clear() { m_used = 0; }

private:
  char* m_data = nullptr;
  std::size_t m_size = 0, m_used = 0;
};

} // namespace darkscan::util
