#pragma once

#include <darkscan/visits/seen_visitors.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace darkscan {

// Page-view history per visitor, to tell arrivals from internal navigation and
// returning visitors from new ones. A visitor is (client address, user agent),
// kept as a 64-bit hash. Two parts, so that memory does not grow with the
// visitors of a month:
// - the session table, a flat open-addressing table (32 bytes a visitor, no
//   allocation per visitor) of the visitors seen in the last hour of log time:
//   a visitor idle for twice the visit gap leaves it;
// - SeenVisitors, a filter of fixed size (16 MiB) that remembers, for 30 days,
//   when the visitors who left the table were last seen.
class Sessions {
public:
  static constexpr std::int64_t k_visit_gap = 30 * 60; // seconds without a page view that end a visit
  // A visitor is "returning" when seen within this many seconds before (to
  // SeenVisitors::k_unit, 2 minutes); older history is forgotten.
  static constexpr std::int64_t k_returning_window = 30 * 24 * 3600;
  // A visitor idle this long leaves the session table: times may step back by up
  // to a visit gap (continues()), so one gap more is kept.
  static constexpr std::int64_t k_idle = 2 * k_visit_gap;

  struct Visitor {
    std::uint64_t key = 0; // 0: empty slot
    std::int64_t last_page_view = 0;
    bool seen = false;           // had a page view earlier in the input
    bool timed = false;          // last_page_view holds a time (lines with no time leave it 0)
    std::uint32_t arrival = 0;   // arrival_signature() of the current visit's first page view
    std::uint32_t last_page = 0; // the last page view's page (Analyzer::page_of())
    bool linked = false;         // a page view of the current visit had an internal referrer: the
                                 // site's links send one (Analyzer: a page view without is not a click)
    bool last_bare = false;      // the last page view had no referrer (the line logs the field)
    bool machine = false;        // the last page view was a machine's (machine_view())
  };

  Sessions();

  // The visitor record for this key, created empty on first sight. The
  // reference is valid until the next call. May move the visitors idle at
  // `now` (the time of the hit being read; Hit::k_no_time: the latest in the
  // table) to the filter, amortised O(1): idleness is measured against the
  // hit being read, so that a log read out of order keeps its active visitors.
  Visitor& visitor(std::uint64_t key, std::int64_t now = INT64_MIN);
  // Starts loading the slot where visitor() looks `key` up first, and its buckets in the filter.
  void prefetch(std::uint64_t key) const;

  // True if a page view at `time` continues the visitor's current visit
  // (a page view within k_visit_gap; times may step back a little).
  static bool continues(const Visitor& v, std::int64_t time) {
    if (!v.seen) return false;
    const std::int64_t gap = time - v.last_page_view;
    return gap <= k_visit_gap && gap >= -k_visit_gap;
  }

  // True if a page view at `time` (Hit::k_no_time: untimed) comes from a
  // visitor seen within k_returning_window, by the session table or, for a
  // visitor who left it, by the filter. `v` is the visitor's record (visitor()).
  bool returning(const Visitor& v, std::int64_t time) const;
  // The same for a key that may have no record.
  bool returning(std::uint64_t key, std::int64_t time) const;

  // The visitor record for this key in the session table, or nullptr.
  const Visitor* find(std::uint64_t key) const;

  // Calls fn(const Visitor&) for every visitor of the session table, in no particular order.
  template <typename Fn> void for_each(Fn&& fn) const {
    for (const Visitor& v : m_slots)
      if (v.key != 0) fn(v);
  }

  // Moves the visitors idle at `time` (last page view more than k_idle before) to the filter.
  void retire_idle(std::int64_t time);

  // Takes in the visitors of `other` (another shard): for a visitor in both,
  // the later page view wins.
  void merge(const Sessions& other);

  // Page views with a referrer on the site itself, counted up to k_links_learned: once there are
  // that many, the site's links are known to send a referrer (a site whose pages all say
  // "Referrer-Policy: no-referrer" never gets there), and a referrer-less page view of another page
  // within a visit is no click on them (Analyzer). 3: a site that sends none has none, and one stray
  // line (a browser extension that forges the referrer) is not enough; a real log has thousands.
  // Saved in a state and summed by merge(), so that chained runs decide as one.
  static constexpr std::uint64_t k_links_learned = 3; // at most 3: a state keeps it in 2 bits of a flag byte
  void count_internal_view() { m_internal_views += m_internal_views < k_links_learned; }
  bool site_links() const { return m_internal_views >= k_links_learned; }
  std::uint64_t internal_views() const { return m_internal_views; }
  void set_internal_views(std::uint64_t n) { m_internal_views = std::min(n, k_links_learned); }

  std::size_t size() const { return m_size; }
  const SeenVisitors& seen() const { return m_seen; }
  SeenVisitors& seen() { return m_seen; }

private:
  // Makes room for one more visitor: retires the idle ones, and doubles the
  // table if that freed too little.
  void make_room(std::int64_t now);
  void rebuild(std::size_t slots, std::int64_t idle_before);

  std::vector<Visitor> m_slots;
  std::vector<Visitor> m_spare;    // the slots before the last rebuild, reused by the next
  std::vector<Visitor> m_retiring; // the visitors a rebuild moves to the filter (room reused)
  std::size_t m_size = 0;
  std::uint64_t m_internal_views = 0;
  SeenVisitors m_seen{k_returning_window};
};

} // namespace darkscan
