#pragma once

#include <darkscan/common/i18n.hpp>

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
//
// what() is the message in the user's language; english() the same in English, for the JSON report
// (an input's error), whose text must not depend on the locale.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::usage)
      : std::runtime_error(message), m_english(message), m_code(code) {}
  explicit Error(Message message, ExitCode code = ExitCode::usage)
      : std::runtime_error(message.local), m_english(std::move(message.en)), m_code(code) {}

  ExitCode code() const { return m_code; }
  const std::string& english() const { return m_english; }
  Message text() const { return {m_english, what()}; }

private:
  std::string m_english;
  ExitCode m_code;
};

// strerror(errnum) in English and in the user's language ("No such file or directory").
Message system_message(int errnum);

} // namespace darkscan
