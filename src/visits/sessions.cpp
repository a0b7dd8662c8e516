#include <darkscan/parse/hit.hpp>
#include <darkscan/visits/sessions.hpp>

#include <algorithm>

namespace darkscan {

Sessions::Sessions() : m_slots(1024) {}

namespace {

std::size_t first_slot(std::uint64_t key, std::size_t mask) {
  return static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 20) & mask;
}

} // namespace

void Sessions::prefetch(std::uint64_t key) const {
  if (key == 0) key = 1;
  if (!m_slots.empty()) __builtin_prefetch(&m_slots[first_slot(key, m_slots.size() - 1)]);
  m_seen.prefetch(key);
}

Sessions::Visitor& Sessions::visitor(std::uint64_t key, std::int64_t now) {
  if (key == 0) key = 1;
  if ((m_size + 1) * 4 > m_slots.size() * 3) make_room(now); // keep the load under 3/4
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = first_slot(key, mask);;
       i = (i + 1) & mask) {
    Visitor& v = m_slots[i];
    if (v.key == key) return v;
    if (v.key == 0) {
      v.key = key;
      ++m_size;
      return v;
    }
  }
}

bool Sessions::returning(const Visitor& v, std::int64_t time) const {
  if (v.seen) {
    if (time == Hit::k_no_time || !v.timed) return true;
    // To the filter's unit, so that a visitor's answer does not depend on whether it left the table.
    if (SeenVisitors::within(v.last_page_view, time, k_returning_window)) return true;
  }
  return time != Hit::k_no_time && m_seen.seen(v.key, time);
}

bool Sessions::returning(std::uint64_t key, std::int64_t time) const {
  if (key == 0) key = 1;
  if (const Visitor* v = find(key)) return returning(*v, time);
  return time != Hit::k_no_time && m_seen.seen(key, time);
}

const Sessions::Visitor* Sessions::find(std::uint64_t key) const {
  if (key == 0) key = 1;
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 20) & mask;;
       i = (i + 1) & mask) {
    const Visitor& v = m_slots[i];
    if (v.key == key) return &v;
    if (v.key == 0) return nullptr;
  }
}

void Sessions::retire_idle(std::int64_t time) {
  if (time != Hit::k_no_time) rebuild(m_slots.size(), time - k_idle);
  m_seen.forget_expired();
}

void Sessions::merge(const Sessions& other) {
  other.for_each([&](const Visitor& o) {
    Visitor& v = visitor(o.key);
    if (!v.seen || (o.seen && o.last_page_view > v.last_page_view)) v = o;
  });
  m_seen.merge(other.m_seen);
  set_internal_views(m_internal_views + other.m_internal_views);
}

// Idle visitors are retired when the table fills up, against the hit being read (or, without its
// time, the latest page view in the table); the table doubles only when fewer than a quarter of its
// visitors were idle.
void Sessions::make_room(std::int64_t now) {
  std::int64_t latest = now;
  if (latest == Hit::k_no_time) {
    for (const Visitor& v : m_slots)
      if (v.key != 0 && v.timed) latest = std::max(latest, v.last_page_view);
  }
  std::size_t idle = 0;
  const std::int64_t idle_before = latest == Hit::k_no_time ? Hit::k_no_time : latest - k_idle;
  for (const Visitor& v : m_slots)
    idle += v.key != 0 && v.timed && v.last_page_view < idle_before;
  rebuild(idle * 4 >= m_size ? m_slots.size() : m_slots.size() * 2, idle_before);
}

// The old slots are kept as the next rebuild's room: a table of the same size is rebuilt every few
// thousand new visitors, and fresh memory each time cost more in page faults than the rebuild.
void Sessions::rebuild(std::size_t slots, std::int64_t idle_before) {
  m_spare.assign(slots, Visitor{});
  m_spare.swap(m_slots);
  const std::vector<Visitor>& old = m_spare;
  m_size = 0;
  const std::size_t mask = m_slots.size() - 1;
  for (const Visitor& v : old) {
    if (v.key == 0) continue;
    if (v.timed && v.last_page_view < idle_before) {
      if (v.seen) m_retiring.push_back(v);
      continue;
    }
    std::size_t i = static_cast<std::size_t>(v.key * 0x9E3779B97F4A7C15ULL >> 20) & mask;
    while (m_slots[i].key != 0)
      i = (i + 1) & mask;
    m_slots[i] = v;
    ++m_size;
  }
  // Into the filter, its buckets asked for a few visitors ahead (each is a cache miss).
  constexpr std::size_t k_ahead = 8;
  for (std::size_t i = 0; i < m_retiring.size(); ++i) {
    if (i + k_ahead < m_retiring.size()) m_seen.prefetch(m_retiring[i + k_ahead].key);
    m_seen.insert(m_retiring[i].key, m_retiring[i].last_page_view);
  }
  m_retiring.clear();
}

} // namespace darkscan
