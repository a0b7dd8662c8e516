#include <darkscan/classify/path_facts.hpp>
#include <darkscan/util/hash.hpp>

namespace darkscan {

PathFacts::PathFacts(const Rules& rules) : m_rules(rules), m_slots(k_slots) {}

PathFacts::Slot& PathFacts::slot(std::string_view path) {
  Slot& s = m_slots[util::hash_bytes(path) & (k_slots - 1)];
  if (s.used && s.path == path) return s;
  s.path.assign(path); // the slot's buffer is reused: no allocation once it has grown
  s.used = true;
  s.asset = m_rules.is_asset(path);
  s.landing = -1;
  return s;
}

bool PathFacts::landing(std::string_view path) {
  if (path.size() > k_max_path) return m_rules.is_landing(path);
  Slot& s = slot(path);
  if (s.landing < 0) s.landing = m_rules.is_landing(path) ? 1 : 0;
  return s.landing == 1;
}

} // namespace darkscan
