#include <darkscan/preview_memory.hpp>

#include <iterator>

namespace darkscan {

void PreviewMemory::record(std::string_view path, std::int64_t time, const Rule* rule) {
  if (auto it = m_fetches.find(path); it != m_fetches.end()) {
    if (time >= it->second.time) it->second = {time, rule};
    return;
  }
  m_fetches.emplace(std::string(path), Fetch{time, rule});
}

const Rule* PreviewMemory::before(std::string_view path, std::int64_t time) const {
  auto it = m_fetches.find(path);
  if (it == m_fetches.end()) return nullptr;
  const std::int64_t age = time - it->second.time;
  return (age >= 0 && age <= k_window) ? it->second.rule : nullptr;
}

void PreviewMemory::forget_before(std::int64_t time) {
  for (auto it = m_fetches.begin(); it != m_fetches.end();) {
    it = it->second.time < time ? m_fetches.erase(it) : std::next(it);
  }
}

void PreviewMemory::merge(const PreviewMemory& other) {
  for (const auto& [path, fetch] : other.m_fetches)
    record(path, fetch.time, fetch.rule);
}

} // namespace darkscan
