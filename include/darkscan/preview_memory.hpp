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

private:
  struct Fetch {
    std::int64_t time;
    const Rule* rule;
  };
  std::unordered_map<std::string, Fetch, util::StringHash, std::equal_to<>> m_fetches;
};

} // namespace darkscan
