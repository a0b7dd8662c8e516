#pragma once

#include <darkscan/classify/rules.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// What the rules say of a request path (an asset? a landing page?), remembered for the paths seen
// last. A site's hits repeat a few thousand paths, and the answers cost a sort of the extension
// list and an RE2::Set pass over the path (is_asset was 4% of a run's cycles in
// bench/results/profile.md). One per thread; memory bounded: 4,096 slots of paths up to 512 bytes.
class PathFacts {
public:
  explicit PathFacts(const Rules& rules);

  // Rules::is_asset(path).
  // An asset extension answers at once (most assets have one), before the path is hashed.
  bool asset(std::string_view path) {
    if (m_rules.has_asset_extension(path)) return true;
    return path.size() > k_max_path ? m_rules.is_asset(path) : slot(path).asset;
  }
  // Rules::is_landing(path).
  bool landing(std::string_view path);

private:
  struct Slot {
    std::string path;
    bool used = false;
    bool asset = false;
    std::int8_t landing = -1; // -1: not asked yet
  };
  // The slot of `path`, filled with its answers (a slot holds the last path hashed to it).
  Slot& slot(std::string_view path);

  static constexpr std::size_t k_slots = 4096;
  // Longer paths are asked of the rules every time: a slot keeps the longest path it held, and
  // 4,096 slots of 64 KiB lines would keep 256 MiB.
  static constexpr std::size_t k_max_path = 512;
  const Rules& m_rules;
  std::vector<Slot> m_slots;
};

} // namespace darkscan
