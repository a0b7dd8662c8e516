#pragma once

#include <darkscan/cli/options.hpp>

namespace darkscan {

// `darkscan merge STATE...`: the states of `opts.merge_states` (shards written with --state-out)
// combined, in time order, into one report and, with --state-out, one state. Returns the exit status;
// throws Error on a state or an output that cannot be read or written.
int run_merge(const CommandLine& opts);

} // namespace darkscan
