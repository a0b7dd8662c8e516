#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace darkscan::util {

// ASCII lower case, for hosts, headers and names (never locale-dependent).
constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// ASCII case-insensitive equality.
constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// Appends `host` as a key that compares as hosts do: ASCII lower case, without the trailing dot of
// a fully qualified name ("Example.COM." -> "example.com"). Ports and "www." are the caller's.
inline void append_host_key(std::string_view host, std::string& out) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const std::size_t at = out.size();
  out.resize(at + host.size()); // one capacity check, not one a byte
  for (std::size_t i = 0; i < host.size(); ++i)
    out[at + i] = ascii_lower(host[i]);
}

// Text from a log is attacker-controlled. These make it safe for each place
// it is shown; all append to or return a new string (report-time only, never
// on the per-line path).

// For a terminal: control bytes (ESC, CR, BS, DEL, ...), the C1 controls and
// bytes that are not valid UTF-8 become "\xHH", so no escape sequence from a
// log reaches the screen. Other bytes are kept.
std::string escape_for_terminal(std::string_view text);

// Appends `text` as the inside of a JSON string: quotes, backslashes and
// control characters (C0 and C1) escaped; bytes that are not valid UTF-8 are
// replaced by U+FFFD, so the output is always valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

// For HTML text and attribute values: & < > " ' as entities; control characters (C0, DEL, C1)
// and bytes that are not valid UTF-8 become U+FFFD. Log text so escaped is
// shown as text, never read as markup.
void append_html_text(std::string& out, std::string_view text);

// For TSV: tab, newline, CR and backslash become \t \n \r \\ (one record per
// line, whatever the log holds); other bytes as escape_for_terminal does, so
// `cat report.tsv` runs no escape sequence.
void append_tsv_field(std::string& out, std::string_view text);

// For CSV (RFC 4180): the field quoted when it holds a comma, quote, CR or LF
// (quotes doubled; CR, LF and tab kept); a field that starts with = + - @ TAB
// or CR is prefixed with a single quote, so that no spreadsheet runs it as a
// formula. Other control bytes, C1 controls and bytes that are not valid UTF-8
// become \xHH as in TSV (a backslash itself is kept), so `cat report.csv` runs
// no escape sequence.
void append_csv_field(std::string& out, std::string_view text);

// `text` cut to at most `width` bytes by replacing its middle with "…".
std::string shorten(std::string_view text, std::size_t width);

// The Levenshtein distance of `a` and `b` (insertions, deletions and
// substitutions), for "did you mean" suggestions. O(|a| * |b|).
std::size_t edit_distance(std::string_view a, std::string_view b);

// 1234567 -> "1,234,567".
std::string group_thousands(std::uint64_t value);

// "1234567" and " " -> "1 234 567": a run of digits in groups of three, from the right.
std::string group_digits(std::string_view digits, std::string_view separator);

} // namespace darkscan::util
