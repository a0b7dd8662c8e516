#pragma once

#include <darkscan/parse/log_format.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// A named log format, as users know it.
struct Preset {
  std::string_view name;
  std::string_view aliases;     // space-separated other names
  std::string_view spec;        // Apache LogFormat syntax; a JSON key map; a W3C "#Fields:" directive
  std::size_t optional_from;    // fields from this index on may be missing (0: none)
  std::string_view description; // marked N_(): shown with tr()
  LogFormat::Syntax syntax = LogFormat::Syntax::text;
};

// The presets in detection order (the more specific first).
const std::vector<Preset>& presets();

// Compiles the preset called `name` (or one of its aliases, any case), or
// returns false.
bool find_preset(std::string_view name, LogFormat& out);

// The value of --log-format: a preset name or a format string. Throws Error.
LogFormat resolve_format(std::string_view value);

// The presets ranked for an input whose first lines are `sample`: the one
// that parses most of them first (ties go to the more specific), then the
// others as fall-backs for lines of another shape in a mixed file. Throws
// Error(ExitCode::input_failed), showing the first line that fails and suggesting
// --log-format, when the presets together parse no more than half of the
// non-empty lines.
std::vector<LogFormat> detect_formats(const std::vector<std::string>& sample, const std::string& source_name);

// True when a line of `sample` from index `from` on is a request to some preset (the sample's
// W3C #Fields directive, if any, read as detect_formats does).
bool sample_has_request(const std::vector<std::string>& sample, std::size_t from);

// What `sample` (an input's first lines) is when it is plainly not an access log, as a message
// marked N_() whose one {} is the input's name: "'{}' is a binary file ...", "'{}' is an nginx error
// log ..."; nullptr otherwise.
const char* not_an_access_log(const std::vector<std::string>& sample);

// The message (N_(), one {} for the input's name) when `sample` opens a tar or zip archive, whatever
// the format given: the log inside would be counted again; nullptr otherwise.
const char* archive_problem(const std::vector<std::string>& sample);

// Whether `sample` is a binary file's lines (NUL bytes, UTF-16, a zip, many control bytes).
bool looks_binary(const std::vector<std::string>& sample);

} // namespace darkscan
