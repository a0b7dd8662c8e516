#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace darkscan::util {

// A set of non-zero 64-bit words, for membership tests in a hot loop: open addressing in a
// power-of-two table at most a quarter full, with Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4), so
// that a lookup is a multiply, a shift and one or two compares.
class WordSet {
public:
  // Adds `word`; 0 is never a member (it marks an empty slot) and is ignored.
  void insert(std::uint64_t word) {
    if (word == 0 || contains(word)) return;
    if ((m_size + 1) * 4 > m_slots.size()) grow();
    place(word);
    ++m_size;
  }

  bool contains(std::uint64_t word) const {
    if (m_slots.empty() || word == 0) return false;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = slot(word);; i = (i + 1) & mask) {
      if (m_slots[i] == word) return true;
      if (m_slots[i] == 0) return false;
    }
  }

  std::size_t size() const { return m_size; }

private:
  std::size_t slot(std::uint64_t word) const {
    return static_cast<std::size_t>((word * 0x9E3779B97F4A7C15ULL) >> m_shift);
  }
  void place(std::uint64_t word) {
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = slot(word);
    while (m_slots[i] != 0)
      i = (i + 1) & mask;
    m_slots[i] = word;
  }
  void grow() {
    std::vector<std::uint64_t> old = std::move(m_slots);
    const std::size_t slots = old.empty() ? 16 : old.size() * 2;
    m_slots.assign(slots, 0);
    m_shift = 64U - static_cast<unsigned>(std::countr_zero(slots));
    for (std::uint64_t word : old)
      if (word != 0) place(word);
  }

  std::vector<std::uint64_t> m_slots;
  std::size_t m_size = 0;
  unsigned m_shift = 64;
};

} // namespace darkscan::util
