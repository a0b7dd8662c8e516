#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace darkscan {

// What run_cli adds to a command-line error, and says of it in the user's language.

// "\n  did you mean --since (not --sinse)?" for each long option of argv that `command` does not know
// but has one close to; empty when there is none.
std::string did_you_mean(const CLI::App& command, int argc, char** argv);

// For `darkscan rules chek`: "rules: 'chek' is not one of its subcommands, 'check' or 'ua' (did you
// mean 'check'?)"; nothing when argv names no word after "rules".
std::optional<std::string> unknown_rules_subcommand(int argc, char** argv);

// For a FILE that does not exist and is spelled close to a subcommand (`darkscan rule`, `darkscan
// merg`): "'rule' is no file: did you mean the subcommand 'rules'?"; nothing otherwise.
std::optional<std::string> subcommand_typo(const std::string& file);

// CLI11's parse error `e` in the user's language where its form is known; nothing when CLI11's text
// is to be shown as it is (English, or a form not known).
std::optional<std::string> localised_parse_error(const CLI::ParseError& e);

} // namespace darkscan
