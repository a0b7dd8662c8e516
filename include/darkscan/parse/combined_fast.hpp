#pragma once

#include <darkscan/parse/hit.hpp>

#include <string_view>

namespace darkscan {

// The combined format's lines as servers write them, parsed in one pass without the generic step
// walker (line_parser.cpp), which spent about 1,500 instructions a line walking its steps
// (bench/results/profile.md). Two spellings of the format: Apache's and the preset's
// `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"` (`ident_field`: %l is a field) and nginx's
// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
// "$http_user_agent"` (" - " is text).
//
// True when the line is a plain combined line: `hit` (blanked by the caller, with has_user_agent
// and has_referer set) then holds exactly what the generic walker would give it. False on anything
// else, leaving `hit` half filled: a client list ("10.0.0.2, 10.0.0.1"), a tab, a backslash before a
// closing quote, a quote inside a field, a common line in a combined log, fields after the agent,
// a value the generic walker refuses. The caller then parses the line with the generic walker,
// which gives it its answer and its message. fuzz_line_parser compares the two on every input.
bool parse_combined(std::string_view line, bool ident_field, Hit& hit);

} // namespace darkscan
