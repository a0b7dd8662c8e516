#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>

#include <catch2/catch.hpp>

#include <cerrno>

using namespace darkscan;

// The unit tests run without i18n::init(): English, as under LANG=C. French is checked end to end
// (tests/e2e/test_french.py), where the catalogue is found beside the binary.

TEST_CASE("i18n: numbers for people, in English", "[i18n]") {
  CHECK(number_text(0) == "0");
  CHECK(number_text(999) == "999");
  CHECK(number_text(1000) == "1,000");
  CHECK(number_text(1234567) == "1,234,567");
  CHECK(decimal_text(0.5, 1) == "0.5");
  CHECK(decimal_text(-1234.56, 1) == "-1234.6");
  CHECK(percent_text(0.129) == "12.9%");
  CHECK(percent_text(0.99999, 1) == "100.0%");
  CHECK(percent_text(0.05, 0) == "5%");
}

TEST_CASE("i18n: a message keeps English and local text, and Message arguments give theirs", "[i18n]") {
  const Message reason{"the status is not a number", "le statut n'est pas un nombre"};
  const Message m = message(N_("line {}: {}"), 12, reason);
  CHECK(m.en == "line 12: the status is not a number");
  // Untranslated msgid (no catalogue here), translated argument: the argument's local text is kept.
  CHECK(m.local == "line 12: le statut n'est pas un nombre");
  CHECK(message_n("{} input", "{} inputs", 1, 1).en == "1 input");
  CHECK(message_n("{} input", "{} inputs", 2, 2).en == "2 inputs");
  CHECK(translated(N_("corrupt xz data")) == Message("corrupt xz data"));
  CHECK(std::string(tr("")).empty()); // never a catalogue's header
}

TEST_CASE("i18n: a translation whose placeholders do not fit falls back to English", "[i18n]") {
  const int n = 3;
  const std::string text = "x";
  CHECK(detail::format_local("{} of {}", "{} sur {} et {}", fmt::make_format_args(n, text)) == "3 of x");
  CHECK(detail::format_local("{} of {}", "{1} sur {0}", fmt::make_format_args(n, text)) == "x sur 3");
  CHECK(detail::format_local("{:>4}", "{:d}", fmt::make_format_args(text)) == "   x");
}

TEST_CASE("i18n: an Error carries both texts, and system messages are English here", "[i18n]") {
  const Error e(message(N_("cannot open '{}': {}"), "/x", system_message(ENOENT)));
  CHECK(e.english() == "cannot open '/x': No such file or directory");
  CHECK(std::string(e.what()) == e.english());
  CHECK(e.text().en == e.english());
}
