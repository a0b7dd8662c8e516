#pragma once

#include <cstdint>
#include <string_view>

namespace darkscan::util {

// 64-bit hash of bytes (XXH3): several times faster than std::hash on the
// user agents, paths and hosts hashed for every line. xxHash is compiled once, in
// src/util/hash.cpp (inlined there, so its paths for short keys cost no further call), not in
// every file that includes this header.
std::uint64_t hash_bytes(std::string_view s);

// Transparent hash for unordered containers keyed by std::string and looked
// up with std::string_view (no allocation per lookup).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return hash_bytes(s); }
};

} // namespace darkscan::util
