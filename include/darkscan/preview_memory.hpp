#pragma once

#include <darkscan/rules.hpp>
#include <darkscan/util/hash.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace darkscan {

// The last link-preview fetch of each path, so that a direct arrival on that
// path soon after can be attributed to the app whose preview it followed
// (someone pasted the link into a chat; the recipient clicked it).
class PreviewMemory {
public:
  static constexpr std::int64_t k_window = 48 * 3600; // seconds a preview stays evidence

  // Records a preview fetch of `path` at `time` by the fetcher of `rule`.
  void record(std::string_view path, std::int64_t time, const Rule* rule);

  // The preview rule of the latest fetch of `path` at most k_window before
  // `time`, or nullptr.
  const Rule* before(std::string_view path, std::int64_t time) const;

  struct Fetch {
    std::int64_t time;
    const Rule* rule;
  };
  // Calls fn(path, const Fetch&) for every path, in no particular order.
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
  std::unordered_map<std::string, Fetch, util::StringHash, std::equal_to<>> m_fetches;
};

} // namespace darkscan
