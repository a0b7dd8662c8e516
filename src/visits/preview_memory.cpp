#include <darkscan/visits/preview_memory.hpp>

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
  // Looked up twice when it changes: fetches are few beside the arrivals that ask for them.
  const auto it = m_fetches.find(path);
  if (it != m_fetches.end() && time < it->second.time) return;
  m_fetches[path] = Fetch{time, rule, file_index(file), line};
}

const PreviewMemory::Fetch* PreviewMemory::before(std::string_view path, std::int64_t time) const {
  auto it = m_fetches.find(path);
  if (it == m_fetches.end()) return nullptr;
  const std::int64_t age = time - it->second.time;
  return (age >= 0 && age <= k_window) ? &it->second : nullptr;
}

// The table has no erase: the fetches kept go into a new one (once, before a state is saved).
void PreviewMemory::forget_before(std::int64_t time) {
  util::StringTable<Fetch> kept;
  for (const auto& [path, fetch] : m_fetches)
    if (fetch.time >= time) kept[path] = fetch;
  m_fetches = std::move(kept);
}

void PreviewMemory::merge(const PreviewMemory& other) {
  for (const auto& [path, fetch] : other.m_fetches)
    record(path, fetch.time, fetch.rule, other.file_of(fetch), fetch.line);
}

} // namespace darkscan
