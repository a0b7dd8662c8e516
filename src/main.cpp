#include <darkscan/cli/cli.hpp>

int main(int argc, char** argv) { return darkscan::run_cli(argc, argv); }
