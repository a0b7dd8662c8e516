#pragma once

#include <darkscan/evidence.hpp>

#include <cstdint>

namespace darkscan {

// A share with its 95% range.
struct Interval {
  double share = 0.0; // successes / trials, 0 when there are no trials
  double low = 0.0;
  double high = 0.0;
};

// The Wilson score interval (95%, z = 1.96) for `successes` out of `trials`.
// `successes` may be fractional (a sum of weights); it is clamped to
// [0, trials]. No trials gives {0, 0, 1}: nothing is known.
Interval wilson_interval(double successes, std::uint64_t trials);

// The dark-social estimate of a page, a period or the site, from its counts.
struct ShareEstimate {
  // False when the log does not say where most arrivals came from (no
  // referrer field: Common Log Format): share and range cannot be known.
  bool known = true;
  double dark = 0.0; // estimated dark-social visits: each arrival's weight, summed
  double share = 0.0;
  double low = 0.0;
  double high = 1.0;
};

// Arrivals whose referrer was not logged, as a share of all arrivals, from
// which the share is not estimated (`known` is false): a tenth. Below it the
// share is estimated on the arrivals whose referrer is known and the range
// stretched to hold any answer for the others.
inline constexpr double k_max_unknown_share = 0.1;

// The estimate for `visits` arrivals of which `counts` had evidence of dark
// social (the others, search, social, campaigns..., weigh 0) and `unknown`
// came from lines without a referrer field. The share is the weighted sum over
// the known arrivals. Its 95% range combines, as independent errors (the root
// of the sum of squares of the two half-widths, each side apart), sampling (the
// Wilson interval: which of the arrivals were really private) and the weights'
// own uncertainty (every weight anywhere in its range of weights.rules: the
// shares given by all-low and all-high weights). Deterministic: the same counts
// give the same doubles whatever order they were added in.
ShareEstimate estimate_share(const EvidenceCounts& counts, std::uint64_t visits, std::uint64_t unknown,
                             const Weights& weights);

} // namespace darkscan
