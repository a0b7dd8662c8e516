#pragma once

#include <darkscan/scan/scan.hpp>

#include <cstddef>

namespace darkscan {

// The summaries on standard error after the report (none with --quiet), in the user's language.

// "darkscan: 2 inputs, 1,332 lines (0.1 MB) in 0.05 s (3 MB/s): 1,330 parsed, 2 malformed", what was
// left out, then the first malformed lines kept in `t.examples`.
void print_run_summary(const ScanTotals& t, double seconds);

// "darkscan: merged 3 states (1,332 lines, 1,330 parsed, 2 malformed) in 0.01 s".
void print_merge_summary(const ScanTotals& totals, std::size_t states, double seconds);

} // namespace darkscan
