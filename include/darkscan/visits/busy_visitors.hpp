#pragma once

#include <darkscan/common/i18n.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace darkscan {

// The visitors (address and agent) who start the most visits, in fixed memory: the space-saving
// sketch (Metwally, Agrawal and El Abbadi 2005) over visitor keys, k_slots counters. Any visitor
// who started more than visits()/k_slots visits holds a slot, and a slot's count minus its error is
// never more than the visits that visitor started. A few visitors who start a large part of a
// site's visits are scrapers or monitors with a browser's agent, or many readers behind one carrier
// address: every referrer-less page view of theirs can be an arrival (Analyzer::finish says so).
// The slots are found by key in a small hash table, and the least counted ones are kept as a bit
// mask, so that a visit is counted in a few dozen instructions (a scan of the 64 slots for the key
// and the least count was 2% of a run's instructions: callgrind, 200,000 lines of bench/gen-log, 782
// a visit). A new visitor takes the lowest-numbered slot of the least count, as the scan chose (a
// review: a choice by another order made the note come less often near its threshold).
class BusyVisitors {
public:
  static constexpr std::size_t k_slots = 64;

  // A visit started by `visitor` (Prepared::visitor), `edge` when its address is a CDN's edge server
  // (cdn_edges.hpp). A lookup by key; the least counted slots are found again (a scan) only once all
  // of them have been counted past.
  void count(std::uint64_t visitor, bool edge = false);
  // Takes back a visit count() counted (a machine's first page, made a bot later): the visitor's slot
  // loses it unless its count is all error.
  void uncount(std::uint64_t visitor, bool edge = false);

  // Visits counted.
  std::uint64_t visits() const { return m_visits; }
  // The count and error of the slot that holds `visitor`, if one does: its visits are at least
  // count - error and at most count.
  struct Held {
    std::uint64_t count = 0, error = 0;
  };
  std::optional<Held> held(std::uint64_t visitor) const {
    const std::size_t slot = find(visitor);
    if (slot == k_slots) return std::nullopt;
    return Held{m_counts[slot], m_errors[slot]};
  }

  // Visits surely started by the `top` busiest visitors among those surely above visits()/k_slots
  // (a lower bound), and how many of them.
  struct Top {
    std::size_t visitors = 0;
    std::uint64_t visits = 0;
  };
  Top top(std::size_t top) const;
  // Said when half of 50 visits or more came from a CDN's edge addresses (the server logs the CDN, not
  // the visitor), or when 16 visitors or fewer start a quarter of 200 visits or more; else nothing.
  std::optional<Message> note() const;

private:
  static constexpr std::size_t k_index_size = 4 * k_slots; // a power of two
  static std::size_t home(std::uint64_t key) { return (key ^ (key >> 32)) & (k_index_size - 1); }
  std::size_t find(std::uint64_t key) const; // the slot holding `key`, or k_slots
  void index(std::size_t slot);              // m_keys[slot] into the index
  void unindex(std::size_t slot);            // and out of it (backward shift: no tombstones)
  void bump(std::size_t slot);               // +1 to its count, the least ones kept
  void drop(std::size_t slot);               // -1

  std::array<std::uint64_t, k_slots> m_keys{};
  std::array<std::uint64_t, k_slots> m_counts{}; // 0: a free slot (or one whose visits were taken back)
  std::array<std::uint64_t, k_slots> m_errors{};
  std::array<bool, k_slots> m_held{};               // the slot's key is in the index
  static_assert(k_slots == 64); // m_least_slots has a bit a slot
  std::uint64_t m_least = 0;                        // the least count of a slot
  std::uint64_t m_least_slots = ~std::uint64_t{0};  // the slots that have it, a bit each (k_slots is 64)
  std::array<std::uint8_t, k_index_size> m_index{}; // open addressing by key: slot + 1, 0 empty
  std::uint64_t m_visits = 0;
  std::uint64_t m_edge_visits = 0;
};

} // namespace darkscan
