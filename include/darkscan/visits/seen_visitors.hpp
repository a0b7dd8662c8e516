#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace darkscan {

// The visitors seen in the last 30 days, in a memory of fixed size: answers "is this visitor
// returning?" after the visitor has left the session table (Sessions), so that memory does not
// grow with the visitors of a month.
//
// A cuckoo filter (Fan et al., "Cuckoo Filter: Practically Better Than Bloom", CoNEXT 2014): 2^20
// buckets of 4 slots, each slot 32 bits, a 16-bit fingerprint of the visitor key and the time of
// its last page view in 2-minute units (modulo 2^16, read against the latest time seen). 16 MiB,
// allocated and written whole when the first visitor is retired (seen_visitors.cpp says why). It holds about
// 3.9 million visitors (95% of the slots); beyond that, inserting a visitor may push out another.
// A key is looked up in its 2 buckets, 8 slots: a visitor never seen matches some other visitor's
// fingerprint with probability at most 8 / 2^16 = 0.012% (bench/results/visitors.md measures it).
class SeenVisitors {
public:
  static constexpr std::size_t k_bucket_bits = 20;
  static constexpr std::size_t k_slots_per_bucket = 4;
  static constexpr std::size_t k_slots = k_slots_per_bucket << k_bucket_bits;
  static constexpr std::int64_t k_unit = 120; // seconds a time step stands for

  // `window`: how long, in seconds, a page view keeps its visitor "seen" (at most 40 days).
  explicit SeenVisitors(std::int64_t window);
  SeenVisitors(const SeenVisitors& other);
  SeenVisitors& operator=(const SeenVisitors& other);
  SeenVisitors(SeenVisitors&&) noexcept = default;
  SeenVisitors& operator=(SeenVisitors&&) noexcept = default;

  // Records a page view of `key` at `time` (seconds since the epoch). Page views older than the
  // window before the latest one recorded are not kept. No allocation after the first call.
  void insert(std::uint64_t key, std::int64_t time);

  // True if `key` had a page view recorded at most `window` before `time` (or after it).
  bool seen(std::uint64_t key, std::int64_t time) const;

  // True if a page view at `earlier` is within `window` of `time` (or after it), to k_unit: the
  // test seen() makes, for the session table to give the same answers.
  static bool within(std::int64_t earlier, std::int64_t time, std::int64_t window);

  // Starts loading the key's two buckets (a cache hint for insert() and seen()).
  void prefetch(std::uint64_t key) const;

  // Takes in the visitors of `other` (another shard or state); for one in both, the later wins.
  void merge(const SeenVisitors& other);

  // Empties the slots that are out of the window before the latest time. Called before a state is
  // saved and after it is read: between runs shorter than a day the daily sweep would never come.
  void forget_expired();

  // Visitors pushed out because the filter was full (the first sign that it is too small).
  std::uint64_t dropped() const { return m_dropped; }
  // Slots in use.
  std::size_t size() const { return m_used; }

  // For the state file: the latest time unit, and each slot in use with its index.
  std::int64_t latest_unit() const { return m_latest; }
  template <typename Fn> void for_each_slot(Fn&& fn) const {
    if (!m_slots) return;
    for (std::size_t i = 0; i < k_slots; ++i)
      if (m_slots[i]) fn(static_cast<std::uint32_t>(i), m_slots[i]);
  }
  // Restores what for_each_slot gave (a state file); false if `index` is out of range.
  bool restore(std::int64_t latest_unit, std::uint32_t index, std::uint32_t slot);
  // Which slot the next full bucket gives up follows a fixed sequence: saved, so that a run
  // continued from a state drops the visitors one run would.
  std::uint64_t kick_state() const { return m_kick_state; }
  void set_kick_state(std::uint64_t state) { m_kick_state = state == 0 ? 0x2545F4914F6CDD1DULL : state; }

private:
  struct Free {
    void operator()(std::uint32_t* p) const { std::free(p); }
  };
  void allocate();
  // Moves the latest time to `unit`, emptying the slots that fall out of the window.
  void advance(std::int64_t unit);
  void sweep(std::int64_t unit);
  // The absolute time unit of a slot's stamp.
  std::int64_t unit_of(std::uint32_t slot) const;
  bool expired(std::uint32_t slot) const { return m_latest - unit_of(slot) > m_window; }
  // Records `fp` seen at `unit`, in `bucket` or its alternate: the later time wins for a fingerprint
  // already there, else a slot is found (place).
  void put(std::size_t bucket, std::uint32_t fp, std::int64_t unit);
  void place(std::size_t bucket, std::uint32_t slot);

  std::int64_t m_window;             // in units
  std::int64_t m_latest = INT64_MIN; // the latest unit recorded; INT64_MIN: none yet
  std::int64_t m_swept = INT64_MIN;  // the latest unit at the last sweep
  std::size_t m_used = 0;            // slots in use (some may have left the window)
  std::uint64_t m_dropped = 0;
  std::uint64_t m_kick_state = 0x2545F4914F6CDD1DULL; // xorshift64: which slot is kicked out
  std::unique_ptr<std::uint32_t[], Free> m_slots;     // k_slots, 0: empty
};

} // namespace darkscan
