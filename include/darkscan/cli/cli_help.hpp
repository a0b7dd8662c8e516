#pragma once

#include <string>

namespace darkscan {

// The long texts of --help and --list-formats, in the user's language (i18n.hpp). CLI11 lays out the
// options themselves (options.cpp).

// What `darkscan --help` says after the options: input, formats, examples, exit status.
std::string run_footer();

// What `darkscan merge --help` says after the options.
std::string merge_footer();

// `darkscan --list-formats`: each preset, its aliases and its format string or JSON keys.
std::string preset_list();

} // namespace darkscan
