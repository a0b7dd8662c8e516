#pragma once

// The small pieces of text the HTML report is made of: escaped log text, numbers and shares in the
// user's language, "n/a" where a log without referrers cannot tell. For report_html.cpp and
// html_charts.cpp.

#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/estimate.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace darkscan::html {

// Text from the log or the rules, escaped for HTML.
inline std::string h(std::string_view text) {
  std::string out;
  util::append_html_text(out, text);
  return out;
}

// A heading and the card under it.
inline std::string section(std::string_view id, const char* title) {
  return fmt::format(R"(<h2 id="{}">{}</h2><div class="card">)", id, tr(title)); // not for translation
}

// A note: a muted paragraph.
inline std::string note(std::string_view text) { return R"(<p class="note">)" + std::string(text) + "</p>"; }

// A translated text for an attribute's value (a translation may hold quotes).
inline std::string ha(const char* msgid) { return h(tr(msgid)); }

inline std::string pct(double fraction) { return percent_text(fraction); }

inline std::string count(std::uint64_t n) { return number_text(n); }

// TRANSLATORS: "not available": a share that a log without referrers cannot tell.
inline std::string not_available() { return tr(N_("n/a")); }

// A share and its range, or "n/a" when the log does not record referrers.
inline std::string share_text(const ShareEstimate& e) { return e.known ? pct(e.share) : not_available(); }
inline std::string range_text(const ShareEstimate& e, std::string_view dash) {
  return e.known ? pct(e.low) + std::string(dash) + pct(e.high) : not_available();
}
// Visits are whole: an estimate is shown rounded (JSON keeps its fraction).
inline std::uint64_t whole(double visits) { return static_cast<std::uint64_t>(std::max(0.0, visits) + 0.5); }
inline std::string dark_text(const ShareEstimate& e) {
  return e.counted() ? count(whole(e.dark)) : not_available();
}

} // namespace darkscan::html
