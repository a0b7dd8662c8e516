#include <darkscan/common/error.hpp>

#include <clocale>
#include <cstring>
#include <locale.h>

namespace darkscan {

namespace {

// The user's LC_MESSAGES with UTF-8 characters: i18n::init leaves LC_CTYPE "C", under which glibc
// writes the é of a translated system message as '?'. Null when the locale is not installed.
locale_t user_messages_locale() {
  const locale_t utf8 = ::newlocale(LC_ALL_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (!utf8) return nullptr;
  const locale_t user = ::newlocale(LC_MESSAGES_MASK, "", utf8);
  if (!user) ::freelocale(utf8);
  return user;
}

} // namespace

Message system_message(int errnum) {
  // The C locale's text for the JSON report, the user's (LC_MESSAGES) for people.
  static const locale_t c_locale = ::newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  std::string english = c_locale ? ::strerror_l(errnum, c_locale) : std::strerror(errnum);
  // darkscan in English (no catalogue for the language): the system's words in English too.
  if (i18n::language() == "en") return Message(std::move(english));
  static const locale_t user = user_messages_locale();
  std::string local = user ? ::strerror_l(errnum, user) : std::strerror(errnum);
  return {std::move(english), std::move(local)};
}

} // namespace darkscan
