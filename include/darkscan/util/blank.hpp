#pragma once

#include <cstring>
#include <type_traits>

namespace darkscan::util {

// Sets `out` to `T{}` by copying a constant blank value. On the per-line path: GCC compiles
// `out = T{}` of a record of a few hundred bytes to `rep stos`, whose start-up cost was a tenth of
// the parser's cycles and most of the classifier's (bench/results/profile.md); a copy of a
// constant is a few vector moves.
template <typename T> inline void blank(T& out) {
  static_assert(std::is_trivially_copyable_v<T>);
  static const T k_blank{};
  std::memcpy(&out, &k_blank, sizeof(T));
}

} // namespace darkscan::util
