#include <darkscan/visits/seen_visitors.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include <sys/mman.h>

namespace darkscan {

namespace {

constexpr std::size_t k_mask = (std::size_t{1} << SeenVisitors::k_bucket_bits) - 1;
// Slots leave the window as time goes on; they are emptied once a day of log time, so that a
// stamp is never more than window + 1 day older than the latest (the 16-bit stamp stays unambiguous:
// 2^15 units of 2 minutes are 45 days, and the window is at most 40).
constexpr std::int64_t k_sweep_every = 86400 / SeenVisitors::k_unit;
constexpr int k_max_kicks = 500;
// Past 95% of the slots, cuckoo insertion with 4-slot buckets starts to fail (Fan et al., table 2).
constexpr std::size_t k_full = SeenVisitors::k_slots / 100 * 95;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::uint32_t fingerprint_of(std::uint64_t key) {
  const std::uint64_t h = key * 0x9E3779B97F4A7C15ULL;
  const auto fp = static_cast<std::uint32_t>((h >> 16) & 0xFFFF);
  return fp == 0 ? 1 : fp;
}

std::size_t bucket_of(std::uint64_t key) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - SeenVisitors::k_bucket_bits));
}

// The other bucket of a fingerprint in `bucket` (partial-key cuckoo hashing: an involution).
std::size_t alternate(std::size_t bucket, std::uint32_t fp) {
  return (bucket ^ (static_cast<std::uint32_t>(fp * 0x5BD1E995u) >> (32 - SeenVisitors::k_bucket_bits))) &
         k_mask;
}

std::uint32_t make_slot(std::uint32_t fp, std::int64_t unit) {
  return (fp << 16) | static_cast<std::uint32_t>(static_cast<std::uint64_t>(unit) & 0xFFFF);
}

} // namespace

SeenVisitors::SeenVisitors(std::int64_t window) : m_window(window / k_unit) {}

SeenVisitors::SeenVisitors(const SeenVisitors& other)
    : m_window(other.m_window), m_latest(other.m_latest), m_swept(other.m_swept), m_used(other.m_used),
      m_dropped(other.m_dropped), m_kick_state(other.m_kick_state) {
  if (other.m_slots) {
    allocate();
    std::memcpy(m_slots.get(), other.m_slots.get(), k_slots * sizeof(std::uint32_t));
  }
}

SeenVisitors& SeenVisitors::operator=(const SeenVisitors& other) {
  if (this != &other) *this = SeenVisitors(other);
  return *this;
}

// Allocated when the first visitor is retired (a log of less than an hour never needs it), and
// written whole at once. Left to calloc's lazy zero pages, each page was first mapped to the
// shared zero page by a read, then copied on the first write, and with worker threads running
// every such copy flushed the other cores' TLBs: 8% of the ordered thread's samples with
// --threads 2 (bench/results/profile.md). The filter's hashes spread over all its pages after a
// few thousand visitors, so the memory is in use soon anyway.
void SeenVisitors::allocate() {
  if (m_slots) return;
  constexpr std::size_t bytes = k_slots * sizeof(std::uint32_t);
  constexpr std::size_t huge = std::size_t{2} << 20; // an x86-64 huge page
  static_assert(bytes % huge == 0);
  // On 2 MiB pages where the system has them (transparent huge pages, asked for: Debian's default
  // is to give them only when asked): every lookup lands on a random slot of the 16 MiB, which on
  // 4 KiB pages was a TLB miss nearly each time (SeenVisitors' prefetch, seen and insert were 3.5%
  // of a two-thread run's samples, all on the thread that decides hits in order).
  auto* p = static_cast<std::uint32_t*>(std::aligned_alloc(huge, bytes));
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  ::madvise(p, bytes, MADV_HUGEPAGE); // advice: without it, 4 KiB pages as before
#endif
  std::memset(p, 0, bytes); // written whole now, not page by page under the workers (above)
  m_slots.reset(p);
}

std::int64_t SeenVisitors::unit_of(std::uint32_t slot) const {
  const auto delta =
      static_cast<std::int16_t>(static_cast<std::uint16_t>((slot & 0xFFFF) - (m_latest & 0xFFFF)));
  return m_latest + delta;
}

void SeenVisitors::advance(std::int64_t unit) {
  if (m_latest == INT64_MIN) {
    m_latest = m_swept = unit;
    return;
  }
  if (unit <= m_latest) return;
  if (unit - m_swept >= k_sweep_every) sweep(unit);
  m_latest = unit;
}

// Stamps are read against the latest time before it moves: all are within 45 days of it.
void SeenVisitors::sweep(std::int64_t unit) {
  for (std::size_t i = 0; i < k_slots; ++i) {
    if (m_slots[i] && unit - unit_of(m_slots[i]) > m_window) {
      m_slots[i] = 0;
      --m_used;
    }
  }
  m_swept = unit;
}

void SeenVisitors::forget_expired() {
  if (m_slots && m_latest != INT64_MIN) sweep(m_latest);
}

void SeenVisitors::place(std::size_t bucket, std::uint32_t slot) {
  if (m_used >= k_full) {
    // Full: kicks would rarely find room, and each costs a cache miss; the oldest visitor of the
    // key's two buckets, or this one, is forgotten.
    std::uint32_t* oldest = nullptr;
    for (const std::size_t other : {bucket, alternate(bucket, slot >> 16)}) {
      std::uint32_t* b = &m_slots[other * k_slots_per_bucket];
      for (std::size_t s = 0; s < k_slots_per_bucket; ++s) {
        if (!b[s] || expired(b[s])) {
          m_used += !b[s];
          b[s] = slot;
          return;
        }
        if (!oldest || unit_of(b[s]) < unit_of(*oldest)) oldest = &b[s];
      }
    }
    ++m_dropped;
    if (unit_of(*oldest) < unit_of(slot)) *oldest = slot;
    return;
  }
  for (int kick = 0; kick < k_max_kicks; ++kick) {
    std::uint32_t* b = &m_slots[bucket * k_slots_per_bucket];
    for (std::size_t s = 0; s < k_slots_per_bucket; ++s) {
      if (!b[s] || expired(b[s])) {
        m_used += !b[s];
        b[s] = slot;
        return;
      }
    }
    // Full: a visitor of the bucket makes room and tries its other bucket. The victim is drawn
    // from a fixed sequence (xorshift), so that runs are reproducible.
    m_kick_state ^= m_kick_state << 13;
    m_kick_state ^= m_kick_state >> 7;
    m_kick_state ^= m_kick_state << 17;
    std::swap(slot, b[m_kick_state % k_slots_per_bucket]);
    bucket = alternate(bucket, slot >> 16);
  }
  ++m_dropped;
}

void SeenVisitors::insert(std::uint64_t key, std::int64_t time) {
  const std::int64_t unit = floor_div(time, k_unit);
  allocate();
  advance(unit);
  if (m_latest - unit > m_window) return;
  put(bucket_of(key), fingerprint_of(key), unit);
}

void SeenVisitors::put(std::size_t bucket, std::uint32_t fp, std::int64_t unit) {
  for (const std::size_t b : {bucket, alternate(bucket, fp)}) {
    std::uint32_t* slots = &m_slots[b * k_slots_per_bucket];
    for (std::size_t s = 0; s < k_slots_per_bucket; ++s) {
      if (slots[s] >> 16 == fp) {
        if (unit > unit_of(slots[s])) slots[s] = make_slot(fp, unit);
        return;
      }
    }
  }
  place(bucket, make_slot(fp, unit));
}

void SeenVisitors::prefetch(std::uint64_t key) const {
  if (!m_slots) return;
  const std::size_t b1 = bucket_of(key);
  __builtin_prefetch(&m_slots[b1 * k_slots_per_bucket]);
  __builtin_prefetch(&m_slots[alternate(b1, fingerprint_of(key)) * k_slots_per_bucket]);
}

bool SeenVisitors::within(std::int64_t earlier, std::int64_t time, std::int64_t window) {
  return floor_div(time, k_unit) - floor_div(earlier, k_unit) <= window / k_unit;
}

bool SeenVisitors::seen(std::uint64_t key, std::int64_t time) const {
  if (!m_slots) return false;
  const std::int64_t unit = floor_div(time, k_unit);
  const std::uint32_t fp = fingerprint_of(key);
  const std::size_t b1 = bucket_of(key);
  for (const std::size_t bucket : {b1, alternate(b1, fp)}) {
    const std::uint32_t* b = &m_slots[bucket * k_slots_per_bucket];
    for (std::size_t s = 0; s < k_slots_per_bucket; ++s) {
      if (b[s] >> 16 == fp && unit - unit_of(b[s]) <= m_window) return true;
    }
  }
  return false;
}

void SeenVisitors::merge(const SeenVisitors& other) {
  if (!other.m_slots) return;
  allocate();
  advance(other.m_latest);
  m_dropped += other.m_dropped;
  other.for_each_slot([&](std::uint32_t index, std::uint32_t slot) {
    const std::int64_t unit = other.unit_of(slot);
    if (m_latest - unit > m_window) return;
    put(index / k_slots_per_bucket, slot >> 16, unit); // the same geometry: one of the key's buckets
  });
}

bool SeenVisitors::restore(std::int64_t latest_unit, std::uint32_t index, std::uint32_t slot) {
  if (index >= k_slots || (slot >> 16) == 0) return false;
  allocate();
  m_latest = m_swept = latest_unit;
  m_used += !m_slots[index];
  m_slots[index] = slot;
  return true;
}

} // namespace darkscan
