#pragma once

#include <darkscan/rules.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// What the rules say of a request path (an asset? a landing page?), remembered for the paths seen
// last. A site's hits repeat a few thousand paths, and the answers cost a sort of the extension
// list and an RE2::Set pass over the path (is_asset was 4% of a run's cycles in
// bench/results/profile.md). One per thread; memory fixed, 4,096 slots and their paths.
class PathFacts {
public:
  explicit PathFacts(const Rules& rules);

  // Rules::is_asset(path).
  bool asset(std::string_view path) { return slot(path).asset; }
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
  const Rules& m_rules;
  std::vector<Slot> m_slots;
};

} // namespace darkscan
