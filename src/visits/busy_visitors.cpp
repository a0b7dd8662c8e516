#include <darkscan/visits/busy_visitors.hpp>

#include <algorithm>
#include <vector>

namespace darkscan {

void BusyVisitors::count(std::uint64_t visitor) {
  ++m_visits;
  std::size_t least = 0;
  for (std::size_t i = 0; i < k_slots; ++i) {
    if (m_counts[i] != 0 && m_keys[i] == visitor) {
      ++m_counts[i];
      return;
    }
    if (m_counts[i] < m_counts[least]) least = i;
  }
  // Not held: it takes the least counted slot (a free one first), whose count it may have had.
  m_errors[least] = m_counts[least];
  m_keys[least] = visitor;
  ++m_counts[least];
}

BusyVisitors::Top BusyVisitors::top(std::size_t top) const {
  // Only visitors surely above visits()/k_slots: every one of them holds a slot (the sketch's
  // guarantee), and a reader of a visit or two who happens to hold one is not named.
  std::vector<std::uint64_t> sure;
  for (std::size_t i = 0; i < k_slots; ++i)
    if (m_counts[i] > m_errors[i] && m_counts[i] - m_errors[i] > m_visits / k_slots)
      sure.push_back(m_counts[i] - m_errors[i]);
  std::sort(sure.begin(), sure.end(), std::greater<>());
  Top out;
  for (; out.visitors < sure.size() && out.visitors < top; ++out.visitors)
    out.visits += sure[out.visitors];
  return out;
}

} // namespace darkscan
