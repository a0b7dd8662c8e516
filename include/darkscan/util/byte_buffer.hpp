#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

namespace darkscan::util {

// A growable run of bytes whose growth is left unwritten for the caller to fill: the parallel scan
// reads each block of input straight into one. A std::string must be resized before read(2) can
// write into it, and resize() writes zeros over every byte that read(2) then overwrites: that
// memset was 1.3% to 11% of a two-thread run's samples, varying from run to run (perf, 1 GB of
// gen-log; the bytes were last written by the other core, which parsed the block).
class ByteBuffer {
public:
  ByteBuffer() = default;
  // A moved-from buffer is empty (not a size without bytes).
  ByteBuffer(ByteBuffer&& other) noexcept { swap(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept {
    ByteBuffer taken(std::move(other));
    swap(taken);
    return *this;
  }

  const char* data() const { return m_data.get(); }
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  std::string_view view() const { return {m_data.get(), m_size}; }
  void clear() { m_size = 0; }

  // `n` bytes more at the end, not written: the caller writes them, then gives back what it did
  // not use with shrink().
  char* extend(std::size_t n) {
    reserve(m_size + n);
    char* at = m_data.get() + m_size;
    m_size += n;
    return at;
  }
  // Keeps the first `n` bytes (n <= size()).
  void shrink(std::size_t n) { m_size = std::min(n, m_size); }
  // `text` must not lie in this buffer (its growth may move it).
  void append(std::string_view text) {
    if (!text.empty()) std::memcpy(extend(text.size()), text.data(), text.size());
  }
  // `text` may lie in this buffer (a view of part of it).
  void assign(std::string_view text) {
    if (!text.empty()) {
      reserve(text.size()); // moves nothing that `text` can lie in: it is longer than what is held
      std::memmove(m_data.get(), text.data(), text.size());
    }
    m_size = text.size();
  }
  // `text` in front of the bytes held; it must not lie in this buffer.
  void prepend(std::string_view text) {
    if (text.empty()) return;
    reserve(m_size + text.size());
    std::memmove(m_data.get() + text.size(), m_data.get(), m_size);
    std::memcpy(m_data.get(), text.data(), text.size());
    m_size += text.size();
  }
  // Drops the first `n` bytes (n <= size()).
  void erase_front(std::size_t n) {
    n = std::min(n, m_size);
    if (n == 0) return; // and no memmove of a buffer never allocated
    std::memmove(m_data.get(), m_data.get() + n, m_size - n);
    m_size -= n;
  }
  void swap(ByteBuffer& other) noexcept {
    std::swap(m_data, other.m_data);
    std::swap(m_size, other.m_size);
    std::swap(m_capacity, other.m_capacity);
  }

private:
  void reserve(std::size_t n) {
    if (n <= m_capacity) return;
    const std::size_t capacity = std::max({n, 2 * m_capacity, std::size_t{64}});
    auto grown = std::make_unique_for_overwrite<char[]>(capacity); // not zeroed
    if (m_size > 0) std::memcpy(grown.get(), m_data.get(), m_size);
    m_data = std::move(grown);
    m_capacity = capacity;
  }

  std::unique_ptr<char[]> m_data;
  std::size_t m_size = 0, m_capacity = 0;
};

} // namespace darkscan::util
