#pragma once

#include <cstdlib>
#include <cstring>

namespace darkscan {

// Whether a report written to a terminal may use colour and bold: not when NO_COLOR is set
// (no-color.org) or TERM is "dumb" (an editor's shell buffer, which prints escapes as text:
// clig.dev, FORMATS.md 5).
inline bool colour_allowed() {
  const char* term = std::getenv("TERM");
  return std::getenv("NO_COLOR") == nullptr && !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

} // namespace darkscan
