#pragma once

#include <cstdint>

namespace darkscan {

// A share with its 95% range.
struct ShareEstimate {
  double share = 0.0; // successes / trials, 0 when there are no trials
  double low = 0.0;
  double high = 0.0;
};

// The Wilson score interval (95%, z = 1.96) for `successes` out of `trials`.
// `successes` may be fractional (a sum of weights); it is clamped to
// [0, trials]. No trials gives {0, 0, 1}: nothing is known.
ShareEstimate wilson_interval(double successes, std::uint64_t trials);

} // namespace darkscan
