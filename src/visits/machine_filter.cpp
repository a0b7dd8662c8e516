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
  m_latest = std::max(m_latest, hit.time);
  release_before(m_latest - k_hold_seconds);
  if (verdict.machine_pair) {
    // The visitor's page view before this one: the latest held page view of the same visitor.
    for (std::size_t i = m_size; i-- > 0;) {
      Held& h = m_ring[(m_head + i) % m_ring.size()];
      if (h.verdict.cls == HitClass::page_view && h.verdict.visitor == verdict.visitor) {
        make_machine(h.verdict);
        ++m_withdrawn;
        break;
      }
    }
  }
  const bool candidate = verdict.cls == HitClass::page_view && hit.has_referer && hit.referer.empty() &&
                         !verdict.internal_referrer;
  if (candidate || (m_ordered == 1 && m_size > 0))
    hold(hit, verdict);
  else
    m_next.add(hit, verdict);
}

void MachineFilter::hold(const Hit& hit, const Verdict& verdict) {
  if (m_size == m_ring.size()) { // full: grow, oldest first again
    std::vector<Held> grown(std::max<std::size_t>(64, m_ring.size() * 2));
    for (std::size_t i = 0; i < m_size; ++i) {
      const Held& from = m_ring[(m_head + i) % m_ring.size()];
      grown[i].hit = from.hit; // its views point into from.text, copied here
      grown[i].verdict = from.verdict;
      own_hit_text(grown[i].hit, grown[i].text);
    }
    m_ring = std::move(grown);
    m_head = 0;
  }
  Held& slot = m_ring[(m_head + m_size) % m_ring.size()];
  slot.hit = hit;
  slot.verdict = verdict;
  own_hit_text(slot.hit, slot.text);
  ++m_size;
}

void MachineFilter::release_front() {
  Held& h = m_ring[m_head];
  m_head = (m_head + 1) % m_ring.size();
  --m_size;
  m_next.add(h.hit, h.verdict);
}

void MachineFilter::release_before(std::int64_t time) {
  // In input order: a held line behind the front waits for it (only with needs_order do other lines
  // wait at all; without, only page views without referrer are held, and they leave in turn).
  while (m_size > 0 && m_ring[m_head].hit.time < time)
    release_front();
}

void MachineFilter::flush() {
  while (m_size > 0)
    release_front();
}

} // namespace darkscan
