#pragma once

#include <darkscan/util/hash.hpp>

#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace darkscan::util {

// A map from strings to values for the per-line lookups of the ordered stage (a page's counters).
// Open addressing over a power-of-two index of (hash, entry) words, the entries in a deque in the
// order they were added: a lookup is a mask, a probe of the compact index and one compare, where
// std::unordered_map took two 64-bit divisions and a walk of linked nodes (Aggregate::page was 10%
// of the ordered thread's cycles, bench/results/profile.md). References to values stay valid as
// entries are added; there is no erase. Iteration is in insertion order, as `std::pair<const
// std::string, V>` (`for (const auto& [key, value] : table)`).
template <typename V> class StringTable {
public:
  using value_type = std::pair<const std::string, V>;
  using const_iterator = typename std::deque<value_type>::const_iterator;

  // The value of `key`, added (value-initialised) if absent.
  V& operator[](std::string_view key) {
    if (m_index.empty()) grow();
    const std::uint64_t h = hash_bytes(key);
    std::size_t at = position(key, h);
    if (m_index[at] != 0) return m_entries[index_of(m_index[at])].second;
    if ((m_entries.size() + 1) * 2 > m_index.size()) {
      grow();
      at = position(key, h);
    }
    m_entries.emplace_back(std::string(key), V{});
    m_index[at] = (h & k_tag_mask) | m_entries.size(); // index + 1: 0 marks an empty slot
    return m_entries.back().second;
  }

  const_iterator find(std::string_view key) const {
    if (m_index.empty()) return end();
    const std::uint64_t slot = m_index[position(key, hash_bytes(key))];
    return slot == 0 ? end() : m_entries.begin() + static_cast<std::ptrdiff_t>(index_of(slot));
  }

  // The value of `key`; throws std::out_of_range when absent.
  const V& at(std::string_view key) const {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("StringTable::at: no such key"); // not for translation: a bug
    return it->second;
  }

  const_iterator begin() const { return m_entries.begin(); }
  const_iterator end() const { return m_entries.end(); }
  std::size_t size() const { return m_entries.size(); }
  bool empty() const { return m_entries.empty(); }

private:
  // The high 32 bits of a slot hold the key's hash (compared before the key), the low 32 bits the
  // entry's index + 1.
  static constexpr std::uint64_t k_tag_mask = 0xFFFFFFFF00000000ULL;
  static std::size_t index_of(std::uint64_t slot) { return static_cast<std::size_t>(slot & 0xFFFFFFFFU) - 1; }

  // The position of the slot holding `key`, or of the empty slot where it would go. The index is
  // never full (load at most 1/2), so the probe ends.
  std::size_t position(std::string_view key, std::uint64_t h) const {
    const std::size_t mask = m_index.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const std::uint64_t slot = m_index[i];
      if (slot == 0) return i;
      if ((slot & k_tag_mask) == (h & k_tag_mask) && m_entries[index_of(slot)].first == key) return i;
    }
  }

  void grow() {
    std::vector<std::uint64_t> index(m_index.empty() ? 64 : m_index.size() * 2, 0);
    const std::size_t mask = index.size() - 1;
    for (std::size_t e = 0; e < m_entries.size(); ++e) {
      const std::uint64_t h = hash_bytes(m_entries[e].first);
      std::size_t i = static_cast<std::size_t>(h) & mask;
      while (index[i] != 0)
        i = (i + 1) & mask;
      index[i] = (h & k_tag_mask) | (e + 1);
    }
    m_index = std::move(index);
  }

  std::deque<value_type> m_entries;
  std::vector<std::uint64_t> m_index;
};

} // namespace darkscan::util
