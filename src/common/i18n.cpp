#include <darkscan/common/i18n.hpp>
#include <darkscan/util/text.hpp>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <libintl.h>

namespace darkscan {

namespace fs = std::filesystem;

namespace {

constexpr const char* k_domain = "darkscan";
bool g_translating = false; // a catalogue was found and the locale is not C/POSIX
bool g_french_numbers = false;

// The folder that holds <lang>/LC_MESSAGES/darkscan.mo, as the rules are found (Rules::default_dir).
std::string locale_dir() {
  auto usable = [](const fs::path& dir) {
    std::error_code ec;
    for (const fs::directory_entry& lang : fs::directory_iterator(dir, ec))
      if (fs::exists(lang.path() / "LC_MESSAGES" / "darkscan.mo", ec)) return true;
    return false;
  };
  if (const char* env = std::getenv("DARKSCAN_LOCALE_DIR"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    for (const fs::path& candidate : {bin / ".." / "share" / "locale", bin / "locale"}) {
      if (usable(candidate)) return fs::weakly_canonical(candidate, ec).string();
    }
  }
#ifdef DARKSCAN_INSTALL_LOCALE_DIR
  return DARKSCAN_INSTALL_LOCALE_DIR;
#else
  return {};
#endif
}

} // namespace

namespace i18n {

void init() {
  // LC_MESSAGES only: LC_NUMERIC stays "C" so that nothing (strtod, printf) reads or writes numbers
  // the locale's way. A locale that is not installed makes setlocale fail: English.
  const char* messages = std::setlocale(LC_MESSAGES, "");
  if (messages == nullptr) return;
  // C and C.UTF-8 are English whatever LANGUAGE says (glibc would follow LANGUAGE in C.UTF-8).
  const std::string_view name = messages;
  if (name == "C" || name == "POSIX" || name.substr(0, 2) == "C.") return;
  const std::string dir = locale_dir();
  if (dir.empty()) return;
  ::bindtextdomain(k_domain, dir.c_str());
  // The catalogues are UTF-8 and so is every output; LC_CTYPE (left "C") must not turn é into '?'.
  ::bind_textdomain_codeset(k_domain, "UTF-8");
  g_translating = true;
  // No catalogue for the user's language (an installed de_DE.UTF-8): English through and through,
  // numbers and system messages included.
  if (language() == "en") g_translating = false;
  g_french_numbers = language() == "fr";
}

std::string_view language() {
  // TRANSLATORS: the code of the language of this catalogue (ISO 639-1): the HTML report's <html
  // lang>, and how numbers are written in the table and the HTML report.
  return tr(N_("en"));
}

} // namespace i18n

const char* tr(const char* msgid) { return g_translating && *msgid ? ::dgettext(k_domain, msgid) : msgid; }

const char* trn(const char* singular, const char* plural, unsigned long n) {
  if (g_translating) return ::dngettext(k_domain, singular, plural, n);
  return n == 1 ? singular : plural;
}

namespace detail {

std::string format_local(const char* english, const char* local, fmt::format_args args) {
  try {
    return fmt::vformat(local, args);
  } catch (const fmt::format_error&) {
    // A catalogue whose placeholders do not match the code's (test_french checks they do).
    return fmt::vformat(english, args);
  }
}

} // namespace detail

namespace {

constexpr std::string_view k_thin_nbsp = "\u202f"; // NARROW NO-BREAK SPACE: French digit groups, "12 %"

} // namespace

Message count_message(std::uint64_t n) {
  std::string plain = std::to_string(n);
  return {plain, g_translating ? number_text(n) : plain};
}

std::string number_text(std::uint64_t value) {
  return util::group_digits(std::to_string(value), g_french_numbers ? k_thin_nbsp : ",");
}

std::string decimal_text(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (!g_french_numbers) return text;
  const std::size_t dot = text.find('.');
  if (dot != std::string::npos) text[dot] = ',';
  // Digit groups in the whole part, as number_text writes them.
  const std::size_t sign = text[0] == '-' ? 1 : 0;
  const std::size_t whole_end = dot == std::string::npos ? text.size() : dot;
  if (whole_end - sign > 3)
    text = text.substr(0, sign) + util::group_digits(text.substr(sign, whole_end - sign), k_thin_nbsp) +
           text.substr(whole_end);
  return text;
}

std::string percent_text(double fraction, int decimals) {
  const std::string number = decimal_text(fraction * 100.0, decimals);
  return g_french_numbers ? number + std::string(k_thin_nbsp) + "%" : number + "%";
}

} // namespace darkscan
