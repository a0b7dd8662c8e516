#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

namespace darkscan {

// Whether a report written to a terminal may use colour and bold: not when NO_COLOR is set
// (no-color.org) or TERM is "dumb" (an editor's shell buffer, which prints escapes as text:
// clig.dev, FORMATS.md 5).
inline bool colour_allowed() {
  const char* term = std::getenv("TERM");
  return std::getenv("NO_COLOR") == nullptr && !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

// True when the report goes to standard output: no -o, or "-o -" or "-o /dev/stdout" (which, on a
// terminal, get the table, its colours and its width, as no -o does: a review, 2026-12-07).
inline bool to_standard_output(const std::string& output) {
  return output.empty() || output == "-" || output == "/dev/stdout";
}

// The width of the terminal standard output is shown on: its size as the kernel knows it, else
// COLUMNS, else 80.
inline std::size_t terminal_columns() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    const long n = std::strtol(columns, nullptr, 10);
    if (n > 0 && n < 10000) return static_cast<std::size_t>(n);
  }
  return 80;
}

} // namespace darkscan
