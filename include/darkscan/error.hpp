#pragma once

#include <stdexcept>
#include <string>

namespace darkscan {

// Process exit codes; documented in README.md ("Exit status") and `--help`.
enum class ExitCode : int {
  ok = 0,
  input_failed = 1, // an input could not be read (fully) or the output written; the rest was reported
  usage = 2,        // bad option, bad --log-format, bad rules
  data = 3,         // --strict: a malformed line
  cannot_write = 1, // the report could not be written (a runtime failure, as input_failed)
};

// The one exception type of darkscan. Thrown only during set-up (opening files,
// compiling formats, loading rules) and caught only in cli.cpp. The message
// names the file and line where that makes sense.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::usage)
      : std::runtime_error(message), m_code(code) {}

  ExitCode code() const { return m_code; }

private:
  ExitCode m_code;
};

// strerror(errnum) as a std::string ("No such file or directory").
std::string system_message(int errnum);

} // namespace darkscan
