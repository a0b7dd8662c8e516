#include <darkscan/parse/hit_copy.hpp>
#include <darkscan/visits/machine_filter.hpp>

#include <algorithm>

namespace darkscan {

void MachineFilter::make_machine(Verdict& v) {
  v.cls = HitClass::bot;
  v.visit_start = false;
  v.returning = false;
  v.channel.reset();
  v.evidence.reset();
  v.weight = 0.0;
  v.app = {};
  v.open = 0;
  v.preview_file = {};
  v.preview_line = 0;
  v.preview_time = 0;
  v.reason_count = 0;
  v.reasons = {};
  v.rules = {};
  v.add_reason("visitor.machine");
}

void MachineFilter::add(const Hit& hit, const Verdict& verdict) {
  if (m_ordered < 0) m_ordered = m_next.needs_order() ? 1 : 0;
  if (hit.time == Hit::k_no_time) {
    // An untimed line is counted in the period of the timed line before it: nothing is held past it.
    flush();
    m_next.add(hit, verdict);
    return;
  }
  close_before(hit.time);
  while (m_open > 0 && m_lines - at(m_first_open).line >= k_max_lines) { // bounded, in both modes alike
    close_before(INT64_MAX);
    close_before(hit.time);
  }
  m_withdrawn = Hit::k_no_time;
  if (verdict.machine_pair) {
    if (Held* first = open_of(verdict.visitor); first && first->verdict.cls == HitClass::page_view) {
      if (first->verdict.visit_start) m_withdrawn = first->hit.time;
      make_machine(first->verdict);
    }
  }
  emit_closed();
  const bool open = verdict.cls == HitClass::page_view && verdict.pairable;
  if (open || (m_ordered == 1 && m_size > 0))
    hold(hit, verdict, open);
  else
    m_next.add(hit, verdict);
  ++m_lines;
}

void MachineFilter::hold(const Hit& hit, const Verdict& verdict, bool open) {
  if (open && m_open == k_max_open) {
    close_before(INT64_MAX);
    emit_closed();
  }
  if (m_size == m_ring.size()) { // full: grow, oldest first again
    std::vector<Held> grown(std::max<std::size_t>(64, m_ring.size() * 2));
    for (std::size_t i = 0; i < m_size; ++i) {
      // Every field copied (a field copied one by one was once left behind: f207e3b), then the hit's
      // views, still into from.text, pointed into the copy's own text.
      grown[i] = m_ring[(m_head + i) & (m_ring.size() - 1)];
      own_hit_text(grown[i].hit, grown[i].text);
    }
    m_ring = std::move(grown);
    m_head = 0;
  }
  const std::uint64_t seq = m_head_seq + m_size;
  ++m_size;
  Held& slot = at(seq);
  slot.hit = hit;
  slot.verdict = verdict;
  slot.open = open;
  slot.line = m_lines;
  own_hit_text(slot.hit, slot.text);
  if (open) {
    ++m_open;
    index(verdict.visitor, seq);
  }
}

// Closes the open page views, oldest first, that no page view at `time` (or later) can pair with;
// with INT64_MAX, the oldest one whatever its time.
void MachineFilter::close_before(std::int64_t time) {
  if (m_open == 0) return;
  const std::uint64_t end = m_head_seq + m_size;
  m_first_open = std::max(m_first_open, m_head_seq);
  for (; m_first_open < end; ++m_first_open) {
    Held& h = at(m_first_open);
    if (!h.open) continue;
    const std::int64_t t = h.hit.time;
    if (time != INT64_MAX && t >= time - k_hold_seconds && t <= time + k_far_seconds) break;
    h.open = false;
    --m_open;
    if (time == INT64_MAX) {
      ++m_first_open;
      break;
    }
  }
}

void MachineFilter::emit_closed() {
  while (m_size > 0 && !m_ring[m_head].open) {
    Held& h = m_ring[m_head];
    m_head = (m_head + 1) & (m_ring.size() - 1);
    --m_size;
    ++m_head_seq;
    m_next.add(h.hit, h.verdict);
  }
}

void MachineFilter::flush() {
  for (std::size_t i = 0; i < m_size; ++i)
    m_ring[(m_head + i) & (m_ring.size() - 1)].open = false;
  m_open = 0;
  emit_closed();
  m_first_open = m_head_seq;
}

MachineFilter::Held* MachineFilter::open_of(std::uint64_t visitor) {
  if (m_index.empty()) return nullptr;
  const std::size_t mask = m_index.size() - 1;
  for (std::size_t i = visitor & mask;; i = (i + 1) & mask) {
    const auto& [key, seq] = m_index[i];
    if (key == 0) return nullptr;
    if (key != visitor) continue;
    if (seq < m_head_seq || seq >= m_head_seq + m_size) return nullptr; // handed on
    Held& h = at(seq);
    return h.open && h.verdict.visitor == visitor ? &h : nullptr;
  }
}

// The number of `visitor`'s latest open page view; visitors whose page views were closed stay until
// the index fills to half, then it is made again from the open page views (twice as large when they
// fill a quarter of it).
void MachineFilter::index(std::uint64_t visitor, std::uint64_t seq) {
  if (visitor == 0) return;
  if ((m_index_used + 1) * 2 > m_index.size()) rebuild_index();
  const std::size_t mask = m_index.size() - 1;
  for (std::size_t i = visitor & mask;; i = (i + 1) & mask) {
    auto& [key, at_seq] = m_index[i];
    if (key == 0) ++m_index_used, key = visitor;
    if (key == visitor) {
      at_seq = seq;
      return;
    }
  }
}

void MachineFilter::rebuild_index() {
  std::size_t size = std::max<std::size_t>(m_index.size(), 256);
  while ((m_open + 1) * 4 > size)
    size *= 2;
  m_index.assign(size, {0, 0});
  m_index_used = 0;
  for (std::size_t i = 0; i < m_size; ++i) {
    const Held& h = m_ring[(m_head + i) & (m_ring.size() - 1)];
    if (h.open) index(h.verdict.visitor, m_head_seq + i);
  }
}

} // namespace darkscan
