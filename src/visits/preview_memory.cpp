#include <darkscan/visits/preview_memory.hpp>

#include <iterator>

namespace darkscan {

// Inputs come one after the other: the last one is almost always the one asked for.
std::uint32_t PreviewMemory::file_index(std::string_view file) {
  if (file.empty()) return k_no_file;
  for (std::size_t i = m_files.size(); i-- > 0;)
    if (m_files[i] == file) return static_cast<std::uint32_t>(i);
  m_files.emplace_back(file);
  return static_cast<std::uint32_t>(m_files.size() - 1);
}

void PreviewMemory::record(std::string_view path, std::int64_t time, const Rule* rule, std::string_view file,
                           std::uint64_t line) {
  auto it = m_fetches.find(path);
  if (it != m_fetches.end() && time < it->second.time) return;
  const Fetch fetch{time, rule, file_index(file), line};
  if (it != m_fetches.end())
    it->second = fetch;
  else
    m_fetches.emplace(std::string(path), fetch);
}

const PreviewMemory::Fetch* PreviewMemory::before(std::string_view path, std::int64_t time) const {
  auto it = m_fetches.find(path);
  if (it == m_fetches.end()) return nullptr;
  const std::int64_t age = time - it->second.time;
  return (age >= 0 && age <= k_window) ? &it->second : nullptr;
}

void PreviewMemory::forget_before(std::int64_t time) {
  for (auto it = m_fetches.begin(); it != m_fetches.end();) {
    it = it->second.time < time ? m_fetches.erase(it) : std::next(it);
  }
}

void PreviewMemory::merge(const PreviewMemory& other) {
  for (const auto& [path, fetch] : other.m_fetches)
    record(path, fetch.time, fetch.rule, other.file_of(fetch), fetch.line);
}

} // namespace darkscan
