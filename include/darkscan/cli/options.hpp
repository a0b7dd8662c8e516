#pragma once

#include <darkscan/input/lines.hpp>

#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace darkscan {

// What the command line asks for: CLI11 writes the options' values here as it parses.
struct CommandLine {
  std::vector<std::string> files;
  std::string log_format;
  bool log_format_given = false;
  std::string output_format;
  std::string output;
  std::size_t top = 0;
  bool top_given = false;
  std::uint64_t min_visits = 0;
  std::vector<std::string> rules;
  std::vector<std::string> sites;
  std::vector<std::string> trusted_proxies; // --trusted-proxy CIDR
  std::vector<std::string> excluded_addresses; // --exclude-ip CIDR
  std::vector<std::string> only_hosts;         // --host HOST
  std::string since, until, by;
  std::vector<std::string> keep_params;
  bool no_learn_params = false;
  bool hits = false;
  bool explain = false;
  bool show_ip = false;
  std::string salt;
  bool strict = false;
  bool quiet = false;
  bool list_formats = false;
  std::size_t max_line = LineReader::k_default_max_line;
  std::size_t threads = 0;             // 0: one per core
  std::string block_size;              // --block-size, bytes as typed (hidden); empty: ScanOptions' 512 KiB
  std::string state;                   // --state: load if present, continue, save back
  std::string state_out;               // --state-out: save the (shard) state here
  std::string state_keep;              // --state-keep: the counts a state keeps (48h, 90d, 12w)
  std::vector<std::string> merge_states;       // darkscan merge STATE...
  std::vector<std::string> rules_command_dirs; // darkscan rules check DIR... / rules ua --rules DIR
};

// The commands and options that run_cli asks about after parsing; owned by the app.
struct Commands {
  CLI::App* rules = nullptr;
  CLI::App* rules_check = nullptr;
  CLI::App* rules_ua = nullptr;
  CLI::App* merge = nullptr;
  CLI::Option* log_format = nullptr;
  CLI::Option* top = nullptr;       // the run's -n,--top
  CLI::Option* merge_top = nullptr; // merge's -n,--top
};

// Defines on `app` darkscan's options, its commands (rules check, rules ua, merge) and --help's words
// and layout, in the user's language (i18n::init() first). Parsing writes into `opts`, which must
// outlive the parse.
Commands define_commands(CLI::App& app, CommandLine& opts);

} // namespace darkscan
