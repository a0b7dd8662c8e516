#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace darkscan::util {

namespace {

constexpr char k_hex[] = "0123456789ABCDEF";

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += k_hex[c >> 4];
  out += k_hex[c & 0xF];
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

// Whether the valid UTF-8 sequence of `len` bytes at s[i] is a C1 control (U+0080..U+009F): valid,
// but no text (a terminal acts on it, HTML calls it a parse error).
bool is_c1(std::string_view s, std::size_t i, std::size_t len) {
  return len == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

// A character that changes how the text around it is shown, invisible itself: the bidirectional
// overrides and isolates (U+202A..U+202E, U+2066..U+2069: "Trojan Source", CVE-2021-42574), the
// direction marks and zero-width characters (U+200B..U+200F, U+2060..U+2064, U+FEFF), the line and
// paragraph separators (U+2028, U+2029). A path could show reversed or hide a part (a review,
// 2026-12-07).
bool is_invisible_format(std::string_view s, std::size_t i, std::size_t len) {
  if (len != 3) return false;
  const auto a = static_cast<unsigned char>(s[i]), b = static_cast<unsigned char>(s[i + 1]),
             c = static_cast<unsigned char>(s[i + 2]);
  if (a == 0xEF) return b == 0xBB && c == 0xBF;
  if (a != 0xE2) return false;
  if (b == 0x80) return (c >= 0x8B && c <= 0x8F) || (c >= 0xA8 && c <= 0xAE);
  return b == 0x81 && ((c >= 0xA0 && c <= 0xA4) || (c >= 0xA6 && c <= 0xA9));
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not valid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len = 0;
  unsigned min = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else
    return 0;
  if (i + len > s.size()) return 0;
  unsigned cp = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Appends `text` with nothing a terminal could take for a control: bytes that are
// not valid UTF-8, with `invisible` the invisible characters that reorder or hide text
// (is_invisible_format), and the C1 controls as UTF-8 (U+0080..U+009F, e.g. CSI) become
// \xHH (a lone 0x9B is CSI to a terminal that is not in UTF-8 mode); ASCII bytes
// go through `ascii(out, c)`, which escapes what its format needs.
template <class Ascii>
void append_visible(std::string& out, std::string_view text, Ascii ascii, bool invisible = false) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ascii(out, c);
      ++i;
      continue;
    }
    const std::size_t len = utf8_length(text, i);
    const bool c1 = is_c1(text, i, len) || (invisible && is_invisible_format(text, i, len));
    if (len == 0 || c1) {
      const std::size_t n = len == 0 ? 1 : len;
      for (std::size_t k = 0; k < n; ++k)
        append_hex_escape(out, static_cast<unsigned char>(text[i + k]));
      i += n;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
}

} // namespace

std::string escape_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_visible(
      out, text,
      [](std::string& o, unsigned char c) {
        if (is_control(c))
          append_hex_escape(o, c);
        else
          o += static_cast<char>(c);
      },
      true); // on a terminal only: in TSV and CSV a page keeps the name it has in JSON
  return out;
}

void append_json_string(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    // A run of printable ASCII other than '"' and '\\' (keys, paths, most agents) in one append:
    // byte by byte, the JSON report spent 300 instructions a key (bench/results/profile.md).
    std::size_t run = i;
    while (run < text.size()) {
      const auto b = static_cast<unsigned char>(text[run]);
      if (b < 0x20 || b >= 0x7F || b == '"' || b == '\\') break;
      ++run;
    }
    if (run > i) {
      out.append(text.data() + i, run - i);
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += fmt::format("\\u{:04x}", c);
      }
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      std::size_t len = utf8_length(text, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
        ++i;
      } else if (is_c1(text, i, len)) {
        // A C1 control (U+0080..U+009F, e.g. CSI): escaped, so `cat` of the JSON shows no control.
        out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
        i += 2;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
    }
  }
}

void append_html_text(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default:
      if (c < 0x20 || c == 0x7F) {
        out += "\xEF\xBF\xBD"; // control bytes have no business in a page
      } else if (c < 0x80) {
        out += static_cast<char>(c);
      } else {
        const std::size_t len = utf8_length(text, i);
        if (len == 0) {
          out += "\xEF\xBF\xBD";
          ++i;
          continue;
        }
        if (is_c1(text, i, len)) {
          // A C1 control (U+0080..U+009F) is valid UTF-8 but no text either (HTML: a parse error).
          out += "\xEF\xBF\xBD";
          i += 2;
          continue;
        }
        if (is_invisible_format(text, i, len)) {
          // Shown as the terminal shows it: a path with U+202E read "/invoice-exe.pdf" in a
          // browser's table and chart (a review, 2026-12-07).
          for (std::size_t k = 0; k < len; ++k)
            append_hex_escape(out, static_cast<unsigned char>(text[i + k]));
          i += len;
          continue;
        }
        out.append(text.substr(i, len));
        i += len;
        continue;
      }
    }
    ++i;
  }
}

void append_tsv_field(std::string& out, std::string_view text) {
  append_visible(out, text, [](std::string& o, unsigned char c) {
    switch (c) {
    case '\t': o += "\\t"; break;
    case '\n': o += "\\n"; break;
    case '\r': o += "\\r"; break;
    case '\\': o += "\\\\"; break;
    default:
      if (is_control(c))
        append_hex_escape(o, c);
      else
        o += static_cast<char>(c);
    }
  });
}

void append_csv_field(std::string& out, std::string_view text) {
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                                         text[0] == '@' || text[0] == '\t' || text[0] == '\r');
  const bool quote = formula || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out += '"';
  if (formula) out += '\'';
  append_visible(out, text, [](std::string& o, unsigned char c) {
    if (c == '"')
      o += "\"\"";
    else if (is_control(c) && c != '\r' && c != '\n' && c != '\t') // CR/LF stay, quoted (RFC 4180)
      append_hex_escape(o, c);
    else
      o += static_cast<char>(c);
  });
  if (quote) out += '"';
}

std::string shorten(std::string_view text, std::size_t width) {
  if (text.size() <= width) return std::string(text);
  if (width < 4) return std::string(text.substr(0, width));
  const std::size_t keep = width - 1; // one column for the ellipsis
  std::size_t head = (keep + 1) / 2;
  std::size_t tail = keep - head;
  // Do not cut inside a UTF-8 sequence.
  while (head > 0 && (static_cast<unsigned char>(text[head]) & 0xC0) == 0x80)
    --head;
  std::size_t tail_start = text.size() - tail;
  while (tail_start < text.size() && (static_cast<unsigned char>(text[tail_start]) & 0xC0) == 0x80)
    ++tail_start;
  return std::string(text.substr(0, head)) + "\xE2\x80\xA6" + std::string(text.substr(tail_start));
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: two letters swapped are one edit ("rulse" for "rules", "--sicne").
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, row);
  }
  return previous[b.size()];
}

std::string group_digits(std::string_view digits, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += separator;
    out += digits[i];
  }
  return out;
}

std::string group_thousands(std::uint64_t value) { return group_digits(std::to_string(value), ","); }

} // namespace darkscan::util
