#pragma once

#include <darkscan/classify/evidence.hpp>

#include <cstddef>

namespace darkscan::test {

// The evidence the site-model tests count, as indices of their counts and weights.
inline constexpr auto k_new = static_cast<std::size_t>(Evidence::direct_deep_new);
inline constexpr auto k_returning = static_cast<std::size_t>(Evidence::direct_deep_returning);
inline constexpr auto k_inapp = static_cast<std::size_t>(Evidence::inapp_messaging);
inline constexpr auto k_tagged = static_cast<std::size_t>(Evidence::tagged_private);

// The weights.rules values and ranges of those kinds (the others 0): the model's two deep kinds are
// fitted, in-app messaging and private tags are signed private evidence.
inline Weights rules_weights() {
  Weights w{};
  w[k_new] = {0.8, 0.55, 0.95};
  w[k_returning] = {0.4, 0.15, 0.7};
  w[k_inapp] = {1.0, 0.9, 1.0};
  w[k_tagged] = {1.0, 0.85, 1.0};
  return w;
}

} // namespace darkscan::test
