#include <darkscan/page_counts.hpp>

#include <algorithm>

namespace darkscan {

void PageCounts::add(const Hit& hit) {
  if (!hit.request_valid) return;
  ++m_total;
  auto it = m_hits.find(hit.path);
  if (it != m_hits.end()) {
    ++it->second;
    return;
  }
  m_hits.emplace(std::string(hit.path), 1);
}

void PageCounts::merge(const PageCounts& other) {
  for (const auto& [path, hits] : other.m_hits) m_hits[path] += hits;
  m_total += other.m_total;
}

std::vector<std::pair<std::string_view, std::uint64_t>> PageCounts::top(std::size_t limit) const {
  std::vector<std::pair<std::string_view, std::uint64_t>> rows;
  rows.reserve(m_hits.size());
  for (const auto& [path, hits] : m_hits) rows.emplace_back(path, hits);
  auto by_hits = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  if (limit < rows.size()) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(limit), rows.end(), by_hits);
    rows.resize(limit);
  } else {
    std::sort(rows.begin(), rows.end(), by_hits);
  }
  return rows;
}

} // namespace darkscan
