#pragma once

#include <string>
#include <vector>

namespace darkscan {

// `darkscan rules check [DIR...]`: loads the built-in rules with DIRs on top,
// as --rules would, and prints the rules per file. Throws Error on a bad rule.
int rules_check(const std::vector<std::string>& dirs);

// `darkscan rules ua`: reads user agents from standard input, one per line, and
// writes "kind<TAB>app<TAB>rule_id" for each ("-" for none).
int rules_ua(const std::vector<std::string>& dirs);

} // namespace darkscan
