#pragma once

namespace darkscan {

// The whole program: parses options, runs the pipeline, prints the report and
// returns the process exit status (see ExitCode). Catches every darkscan::Error
// and prints it as "darkscan: error: ..." on stderr.
int run_cli(int argc, char** argv);

} // namespace darkscan
