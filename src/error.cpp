#include <darkscan/error.hpp>

#include <clocale>
#include <cstring>
#include <locale.h>

namespace darkscan {

Message system_message(int errnum) {
  // The C locale's text for the JSON report, the user's (LC_MESSAGES) for people.
  static const locale_t c_locale = ::newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  std::string english = c_locale ? ::strerror_l(errnum, c_locale) : std::strerror(errnum);
  std::string local = std::strerror(errnum);
  return {std::move(english), std::move(local)};
}

} // namespace darkscan
