#pragma once

#include <string>
#include <vector>

namespace darkscan {

// The built-in rules directory (Rules::default_dir()) followed by `extra` (--rules DIR...): what
// Rules::load reads for a run, a merge or `darkscan rules`. Throws Error when there is no built-in one.
std::vector<std::string> rules_dirs(const std::vector<std::string>& extra);

} // namespace darkscan
