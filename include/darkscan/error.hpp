#pragma once

#include <stdexcept>
#include <string>

namespace darkscan {

// Process exit codes; documented in README.md ("Exit status") and `--help`.
enum class ExitCode : int {
  ok = 0,
  input_failed = 1,   // some input could not be read (fully); the rest was reported
  usage = 2,          // bad option or bad --log-format
  data = 65,          // log format not recognised, or a malformed line under --strict
  cannot_write = 73,  // the report could not be written
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
