#pragma once

#include <optional>
#include <vector>

namespace darkscan {

// A page as the site model's fit of one kind sees it (site_model.cpp): its signed private (s),
// public (o) and such (y) arrivals, and its in-app messaging arrivals (z, part of s: the
// instrument). Floats: weighted counts (an arrival after a preview beyond the fetches' reach
// counts in part as new and in part as returning); 16 bytes a page and kind.
struct FitPoint {
  float s, o, y, z;
};

// The private part theta of a kind's arrivals fitted with the in-app arrivals as instrument for the
// signed ones (instrument_fit.cpp: why, how, and its biases), and the half width of its 95% range.
struct InstrumentFit {
  double theta = 0, half = 0;
};

// None when the instrument is weak (first-stage F below 10), when the pages do not tell the two
// rates apart or give neither above 0, in the whole fit or in one of the jackknife's refits. The
// points in the pages' key order.
std::optional<InstrumentFit> instrument_fit(const std::vector<FitPoint>& points);

} // namespace darkscan
