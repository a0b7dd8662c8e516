#pragma once

#include <darkscan/record.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace darkscan {

// Hits per page path (query string dropped). Memory grows with the number of
// distinct paths, not with the number of lines: a path is copied once, the
// first time it is seen; later hits only look it up.
class PageCounts {
public:
  // Counts `hit` when its request is valid.
  void add(const Hit& hit);

  // Adds the counts of `other` (per-thread or per-shard counters).
  void merge(const PageCounts& other);

  // Paths by hits, most first (ties by path), at most `limit` of them.
  std::vector<std::pair<std::string_view, std::uint64_t>> top(std::size_t limit) const;

  std::size_t size() const { return m_hits.size(); }
  std::uint64_t total() const { return m_total; }

private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>> m_hits;
  std::uint64_t m_total = 0;
};

} // namespace darkscan
