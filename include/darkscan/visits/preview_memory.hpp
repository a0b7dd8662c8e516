#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/util/string_table.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace darkscan {

// The last link-preview fetch of each path, so that a direct arrival on that
// path soon after can be attributed to the app whose preview it followed
// (someone pasted the link into a chat; the recipient clicked it).
class PreviewMemory {
public:
  static constexpr std::int64_t k_window = 48 * 3600; // seconds a preview stays evidence
  // Seconds after a private fetch within which a click follows it "soon" (direct_deep_after_preview;
  // later: direct_deep_after_preview_late, weights.rules gives the reasons).
  static constexpr std::int64_t k_soon = 3600;

  struct Fetch {
    std::int64_t time;
    const Rule* rule;
    std::uint32_t file = k_no_file; // index into files(), for --explain; k_no_file: from a saved state
    std::uint64_t line = 0;         // the fetch's line in that file
  };
  static constexpr std::uint32_t k_no_file = UINT32_MAX;

  // Records a preview fetch of `path` at `time` by the fetcher of `rule`, read at `line` of the
  // input `file` (empty, 0: not known, as for a fetch loaded from a state).
  void record(std::string_view path, std::int64_t time, const Rule* rule, std::string_view file = {},
              std::uint64_t line = 0);

  // The latest fetch of `path` at most k_window before `time`, or nullptr; valid until the next
  // record(), forget_before() or merge().
  const Fetch* before(std::string_view path, std::int64_t time) const;
  // The name of the input a fetch was read from, or "" when not known.
  std::string_view file_of(const Fetch& fetch) const {
    return fetch.file < m_files.size() ? std::string_view(m_files[fetch.file]) : std::string_view();
  }
  // Calls fn(path, const Fetch&) for every path, in the order they were first recorded.
  template <typename Fn> void for_each(Fn&& fn) const {
    for (const auto& [path, fetch] : m_fetches)
      fn(std::string_view(path), fetch);
  }
  // Forgets fetches before `time` (too old to be evidence after it).
  void forget_before(std::int64_t time);
  // Takes in the fetches of `other` (another shard): the latest of a path wins.
  void merge(const PreviewMemory& other);
  std::size_t size() const { return m_fetches.size(); }

private:
  std::uint32_t file_index(std::string_view file);

  // The inputs fetches were read from (a run reads a few); a deque, so that the names file_of()
  // gives stay where they are when another is added.
  std::deque<std::string> m_files;
  // Open addressing (util::StringTable): asked for every referrer-less deep arrival, a
  // std::unordered_map's division and node walk were 3.7% of a two-thread run's samples (perf, 1 GB
  // of gen-log, all on the thread that decides hits in order).
  util::StringTable<Fetch> m_fetches;
};

} // namespace darkscan
