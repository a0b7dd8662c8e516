#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

// What darkscan says to people, in their language (GNU gettext, domain "darkscan", catalogues in
// po/). Only LC_MESSAGES is taken from the environment: numbers in the machine formats (JSON, NDJSON,
// TSV, CSV) never depend on the locale. The table and the HTML report write numbers the language's
// way (number_text, percent_text).
//
// Marking strings: tr("...") for a string translated where it is used, trn("...", "...", n) for one
// with a plural, N_("...") for a literal translated later (a table of messages). scripts/po-update
// extracts all three with xgettext; tests/e2e/test_french.py checks that no user-facing literal is
// left unmarked.
#define N_(text) text

namespace darkscan {
namespace i18n {

// Sets LC_MESSAGES from the environment (LC_ALL, LC_MESSAGES, LANG) and finds the catalogues:
// $DARKSCAN_LOCALE_DIR, else share/locale beside the binary (an install), else locale/ beside it (a
// build tree), else the install prefix's. A locale that is not installed, or a language without a
// catalogue, leaves English, silently. Called once by run_cli before anything is printed.
void init();

// The language of the messages in use: "en" or a catalogue's code ("fr").
std::string_view language();

} // namespace i18n

// `msgid` in the user's language (itself when untranslated; "" stays "", never the catalogue's
// header). The result lives as long as the process.
const char* tr(const char* msgid);
// The form of `singular`/`plural` for `n`, in the user's language.
const char* trn(const char* singular, const char* plural, unsigned long n);

// A sentence for people kept in English and in the user's language: a note or a reason shown on the
// terminal, in the table and in the HTML report (local), and written to the JSON report (en), whose
// text must not depend on the locale.
struct Message {
  std::string en;
  std::string local;

  Message() = default;
  // A text that needs no translation (a path, a system message already rendered twice).
  explicit Message(std::string text) : en(text), local(std::move(text)) {}
  Message(std::string english, std::string localised) : en(std::move(english)), local(std::move(localised)) {}
  bool empty() const { return en.empty(); }
  friend bool operator==(const Message&, const Message&) = default;
};

// A literal marked N_() (a reason in a table, a parser's ParseError::reason) in both languages.
inline Message translated(const char* msgid) { return {msgid, tr(msgid)}; }

namespace detail {
template <typename T> const T& pick(const T& value, bool) { return value; }
inline const std::string& pick(const Message& m, bool local) { return local ? m.local : m.en; }
// Formats `format` with `args`; a translation whose placeholders do not fit falls back to English.
std::string format_local(const char* english, const char* local, fmt::format_args args);
} // namespace detail

// `msgid` (a fmt format string, marked for translation) rendered in English and in the user's
// language. Message arguments give their own English or local text.
template <typename... Args> Message message(const char* msgid, const Args&... args) {
  std::string en = fmt::format(fmt::runtime(msgid), detail::pick(args, false)...);
  // An untranslated msgid still carries its arguments' local text (a translated reason).
  std::string local =
      detail::format_local(msgid, tr(msgid), fmt::make_format_args(detail::pick(args, true)...));
  return {std::move(en), std::move(local)};
}

// As message(), with the plural form for `n`. Give the two forms as plain literals, not N_(): xgettext
// would take each for a msgid of its own, and the plural would be lost.
template <typename... Args>
Message message_n(const char* singular, const char* plural, unsigned long n, const Args&... args) {
  const char* english = n == 1 ? singular : plural;
  std::string en = fmt::format(fmt::runtime(english), detail::pick(args, false)...);
  std::string local = detail::format_local(english, trn(singular, plural, n),
                                           fmt::make_format_args(detail::pick(args, true)...));
  return {std::move(en), std::move(local)};
}

// `msgid` translated and formatted, for text that is only ever shown to people (errors, --help,
// the table): fmt::format(tr(msgid), args...), English when the translation does not fit.
template <typename... Args> std::string format_tr(const char* msgid, const Args&... args) {
  return detail::format_local(msgid, tr(msgid), fmt::make_format_args(detail::pick(args, true)...));
}

// A count as a message() argument: plain digits in English ("2997", as notes have always written
// them, and as the JSON report keeps them), number_text in another language ("2 997").
Message count_message(std::uint64_t n);

// As format_tr, with the plural form for `n` (plain literals, as for message_n).
template <typename... Args>
std::string format_trn(const char* singular, const char* plural, unsigned long n, const Args&... args) {
  return detail::format_local(n == 1 ? singular : plural, trn(singular, plural, n),
                              fmt::make_format_args(detail::pick(args, true)...));
}

// Numbers for people, in the language in use: "12,345" / "12 345" (thin no-break space),
// "41.7%" / "41,7 %", "0.82" / "0,82". Machine formats use util::plain_number instead.
std::string number_text(std::uint64_t value);
std::string decimal_text(double value, int decimals);
std::string percent_text(double fraction, int decimals = 1);

} // namespace darkscan
