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
class BusyVisitors {
public:
  static constexpr std::size_t k_slots = 64;

  // A visit started by `visitor` (Prepared::visitor), `edge` when its address is a CDN's edge server
  // (cdn_edges.hpp). Constant time: a scan of the slots.
  void count(std::uint64_t visitor, bool edge = false);
  // Takes back a visit count() counted (a machine's first page, made a bot later): the visitor's slot
  // loses it unless its count is all error.
  void uncount(std::uint64_t visitor, bool edge = false);

  // Visits counted.
  std::uint64_t visits() const { return m_visits; }

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
  std::array<std::uint64_t, k_slots> m_keys{};
  std::array<std::uint64_t, k_slots> m_counts{}; // 0: a free slot
  std::array<std::uint64_t, k_slots> m_errors{};
  std::uint64_t m_visits = 0;
  std::uint64_t m_edge_visits = 0;
};

} // namespace darkscan
