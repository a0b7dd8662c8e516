#pragma once

#include <string>
#include <string_view>

namespace darkscan {

// What darkscan says on standard error besides the report and the run summary. Each line of `message`
// is escaped for the terminal (messages may quote log text).

// `prefix` then `message`, each of its lines escaped.
void print_message(std::string_view prefix, const std::string& message);

// "darkscan: error: MESSAGE", in the user's language.
void print_error(const std::string& message);

// "darkscan: note: MESSAGE", in the user's language.
void print_note(const std::string& message);

} // namespace darkscan
