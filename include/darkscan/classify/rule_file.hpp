#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace darkscan {

// One rule line of a rules file: its columns and where it came from.
struct RuleLine {
  std::string origin; // "rules/agents.rules:14", for messages and --explain
  std::vector<std::string> columns;
};

// Reads a rules file (syntax in doc/RULES.md): '#' comment lines and blank
// lines are skipped; each other line is split on spaces/tabs into exactly
// `columns` columns, the last one being the rest of the line. Throws
// Error(ExitCode::usage) "FILE:LINE: ..." on a line with too few columns, and
// "cannot read rules 'FILE': ..." when the file cannot be read.
std::vector<RuleLine> read_rule_file(const std::string& path, std::size_t columns);

} // namespace darkscan
