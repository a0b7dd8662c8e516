#pragma once

#include <darkscan/cli/options.hpp>

namespace darkscan {

// `darkscan [OPTIONS] [FILE...]`: the stages wired from the options, the logs scanned, the report (or
// --hits' records) written, the state updated, the run summary printed. Returns the exit status of
// the scan (ExitCode); throws Error on what stops the run (options, rules, state, output).
int run_scan(const CommandLine& opts);

} // namespace darkscan
