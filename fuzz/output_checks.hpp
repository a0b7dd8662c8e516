#pragma once

// Checks of what darkscan promises about its output, for the fuzz targets:
// JSON is valid JSON and valid UTF-8, TSV and CSV have one record per line
// with the header's number of fields, the table holds no control sequence.
// A broken promise is a finding: fail() prints what and where, then aborts,
// so that libFuzzer saves the input (and a replay test fails).

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace darkscan::fuzz {

// `output` around byte `at`, escaped to printable ASCII, "<<HERE>>" at `at`.
inline std::string excerpt(std::string_view output, std::size_t at) {
  const std::size_t from = at > 80 ? at - 80 : 0;
  std::string shown;
  for (std::size_t i = from; i < output.size() && i < at + 80; ++i) {
    const auto c = static_cast<unsigned char>(output[i]);
    if (i == at) shown += "<<HERE>>";
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      shown += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      shown += hex;
    }
  }
  return shown;
}

// Prints `what`, the offset and the output around it, then aborts.
[[noreturn]] inline void fail(const char* what, std::string_view output, std::size_t at) {
  std::fprintf(stderr, "\n==darkscan-fuzz== FINDING: %s at byte %zu of %zu:\n  %s\n", what, at, output.size(),
               excerpt(output, at).c_str());
  std::abort();
}

inline void require(bool ok, const char* what, std::string_view output, std::size_t at = 0) {
  if (!ok) fail(what, output, at);
}

// Length of the valid UTF-8 sequence at s[i] (shortest form, no surrogates,
// at most U+10FFFF), or 0. Written from RFC 3629 section 4, independently of
// src/util/text.cpp, so that it does not share its mistakes.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) -> unsigned { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0x100; };
  auto tail = [&](std::size_t k) { return byte(k) >= 0x80 && byte(k) <= 0xBF; };
  const unsigned c = byte(0);
  if (c <= 0x7F) return 1;
  if (c >= 0xC2 && c <= 0xDF) return tail(1) ? 2 : 0;
  if (c == 0xE0) return byte(1) >= 0xA0 && byte(1) <= 0xBF && tail(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return tail(1) && tail(2) ? 3 : 0;
  if (c == 0xED) return byte(1) >= 0x80 && byte(1) <= 0x9F && tail(2) ? 3 : 0;
  if (c == 0xF0) return byte(1) >= 0x90 && byte(1) <= 0xBF && tail(2) && tail(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return tail(1) && tail(2) && tail(3) ? 4 : 0;
  if (c == 0xF4) return byte(1) >= 0x80 && byte(1) <= 0x8F && tail(2) && tail(3) ? 4 : 0;
  return 0;
}

// Offset of the first byte that is not valid UTF-8, or npos.
inline std::size_t invalid_utf8_at(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

// A strict RFC 8259 parser that only says yes or no (and where it stopped).
class JsonChecker {
public:
  explicit JsonChecker(std::string_view text) : m_s(text) {}

  // The whole text is one JSON value, with optional white space around it.
  bool document() {
    space();
    if (!value(0)) return false;
    space();
    return m_pos == m_s.size();
  }
  // Like document(), and the value is an object.
  bool object_document() {
    space();
    return m_pos < m_s.size() && m_s[m_pos] == '{' && document();
  }
  std::size_t position() const { return m_pos; }

private:
  static constexpr int k_max_depth = 64;

  bool at(char c) const { return m_pos < m_s.size() && m_s[m_pos] == c; }
  bool eat(char c) {
    if (!at(c)) return false;
    ++m_pos;
    return true;
  }
  void space() {
    while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n' || m_s[m_pos] == '\r'))
      ++m_pos;
  }
  bool word(std::string_view w) {
    if (m_s.substr(m_pos, w.size()) != w) return false;
    m_pos += w.size();
    return true;
  }
  bool digits() {
    const std::size_t start = m_pos;
    while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') ++m_pos;
    return m_pos > start;
  }
  bool number() {
    eat('-');
    if (eat('0')) {
      if (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9') return false; // leading zero
    } else if (!digits()) {
      return false;
    }
    if (eat('.') && !digits()) return false;
    if (eat('e') || eat('E')) {
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return true;
  }
  bool hex4(unsigned& v) {
    v = 0;
    for (int k = 0; k < 4; ++k, ++m_pos) {
      if (m_pos >= m_s.size()) return false;
      const char c = m_s[m_pos];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  bool string() {
    if (!eat('"')) return false;
    while (m_pos < m_s.size()) {
      const auto c = static_cast<unsigned char>(m_s[m_pos]);
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (c < 0x20) return false; // raw control character
      if (c == '\\') {
        ++m_pos;
        if (m_pos >= m_s.size()) return false;
        const char e = m_s[m_pos++];
        if (e == 'u') {
          unsigned v = 0;
          if (!hex4(v)) return false;
          if (v >= 0xDC00 && v <= 0xDFFF) return false; // lone low surrogate
          if (v >= 0xD800 && v <= 0xDBFF) {             // needs its low half
            if (!word("\\u") || !hex4(v) || v < 0xDC00 || v > 0xDFFF) return false;
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
        continue;
      }
      const std::size_t n = utf8_sequence(m_s, m_pos);
      if (n == 0) return false;
      m_pos += n;
    }
    return false;
  }
  bool value(int depth) {
    if (depth > k_max_depth || m_pos >= m_s.size()) return false;
    switch (m_s[m_pos]) {
    case '{': {
      ++m_pos;
      space();
      if (eat('}')) return true;
      do {
        space();
        if (!string()) return false;
        space();
        if (!eat(':')) return false;
        space();
        if (!value(depth + 1)) return false;
        space();
      } while (eat(','));
      return eat('}');
    }
    case '[': {
      ++m_pos;
      space();
      if (eat(']')) return true;
      do {
        space();
        if (!value(depth + 1)) return false;
        space();
      } while (eat(','));
      return eat(']');
    }
    case '"': return string();
    case 't': return word("true");
    case 'f': return word("false");
    case 'n': return word("null");
    default: return number();
    }
  }

  std::string_view m_s;
  std::size_t m_pos = 0;
};

// `json` reporter: one JSON object, valid UTF-8, ending with a newline.
inline void check_json(std::string_view out) {
  const std::size_t bad = invalid_utf8_at(out);
  require(bad == std::string_view::npos, "json report is not valid UTF-8", out, bad);
  JsonChecker json(out);
  require(json.object_document(), "json report is not one valid JSON object", out, json.position());
  require(!out.empty() && out.back() == '\n', "json report does not end with a newline", out, out.size());
}

// One JSON object per line, each line valid UTF-8 (`ndjson`, --hits).
inline void check_ndjson(std::string_view out) {
  const std::size_t bad = invalid_utf8_at(out);
  require(bad == std::string_view::npos, "ndjson output is not valid UTF-8", out, bad);
  require(out.empty() || out.back() == '\n', "ndjson output does not end with a newline", out, out.size());
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t nl = out.find('\n', start);
    JsonChecker json(out.substr(start, nl - start));
    require(json.object_document(), "ndjson line is not one valid JSON object", out, start + json.position());
    start = nl + 1;
  }
}

// TSV: every line has as many fields as the first (the header), no CR and no
// control byte: tabs and newlines inside fields are escaped.
inline void check_tsv(std::string_view out) {
  require(out.empty() || out.back() == '\n', "tsv output does not end with a newline", out, out.size());
  std::size_t start = 0;
  std::size_t fields = 0;
  while (start < out.size()) {
    const std::size_t nl = out.find('\n', start);
    std::size_t n = 1;
    for (std::size_t i = start; i < nl; ++i) {
      const auto c = static_cast<unsigned char>(out[i]);
      if (c == '\t') ++n;
      else require(c >= 0x20 && c != 0x7F, "tsv output holds a raw control byte", out, i);
    }
    if (start == 0) fields = n;
    require(n == fields, "tsv line has another number of fields than the header", out, start);
    start = nl + 1;
  }
}

// CSV (RFC 4180): CRLF after each record, the header's number of fields in
// each, quotes balanced, and no field that a spreadsheet would run as a
// formula (starting with = + - @ TAB or CR).
inline void check_csv(std::string_view out) {
  std::size_t i = 0;
  std::size_t fields = 0;
  bool header = true;
  while (i < out.size()) {
    const std::size_t record = i;
    std::size_t n = 0;
    for (;;) {
      std::string value;
      if (i < out.size() && out[i] == '"') {
        ++i;
        for (;;) {
          require(i < out.size(), "csv quoted field is not closed", out, record);
          if (out[i] == '"') {
            if (i + 1 < out.size() && out[i + 1] == '"') {
              value += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          value += out[i++];
        }
      } else {
        while (i < out.size() && out[i] != ',' && out[i] != '\r' && out[i] != '\n') {
          require(out[i] != '"', "csv unquoted field holds a quote", out, i);
          value += out[i++];
        }
      }
      ++n;
      const char first = value.empty() ? '\0' : value[0];
      require(first != '=' && first != '+' && first != '-' && first != '@' && first != '\t' && first != '\r',
              "csv field starts like a spreadsheet formula", out, record);
      if (i < out.size() && out[i] == ',') {
        ++i;
        continue;
      }
      require(out.substr(i, 2) == "\r\n", "csv record does not end with CRLF", out, i);
      i += 2;
      break;
    }
    if (header) fields = n;
    header = false;
    require(n == fields, "csv record has another number of fields than the header", out, record);
  }
}

// Table: nothing that a terminal would take as a control sequence (with
// colour off): no C0 control but the newline, no DEL, no C1 control in UTF-8.
inline void check_table(std::string_view out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    require(c == '\n' || (c >= 0x20 && c != 0x7F), "table holds a control byte", out, i);
    if (c == 0xC2 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      require(d < 0x80 || d > 0x9F, "table holds a C1 control (U+0080..U+009F)", out, i);
    }
  }
}

} // namespace darkscan::fuzz
