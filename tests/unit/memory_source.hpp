#pragma once

#include <darkscan/input/source.hpp>

#include <algorithm>
#include <cstring>
#include <string>

namespace darkscan::test {

// A Source over a string, handing out at most `chunk` bytes per read, so
// tests can cut the input at every possible place.
class MemorySource final : public Source {
public:
  explicit MemorySource(std::string data, std::size_t chunk = 1 << 20)
      : Source("memory", Codec::plain), m_data(std::move(data)), m_chunk(chunk) {}

  std::size_t read(char* out, std::size_t size) override {
    std::size_t n = std::min({size, m_chunk, m_data.size() - m_pos});
    std::memcpy(out, m_data.data() + m_pos, n);
    m_pos += n;
    return n;
  }

  std::uint64_t stored_position() const override { return m_pos; }

private:
  std::string m_data;
  std::size_t m_chunk;
  std::size_t m_pos = 0;
};

} // namespace darkscan::test
