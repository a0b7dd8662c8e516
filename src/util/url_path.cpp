#include <darkscan/util/url_path.hpp>

#include <cstdint>
#include <cstring>

namespace darkscan::util {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// The byte at `path[i]` and how many characters spell it: an escape (%XX, \xHH, \", \\) or itself.
struct Byte {
  unsigned char value;
  std::size_t length;
  bool escaped;
};

Byte read_byte(std::string_view p, std::size_t i) {
  if (p[i] == '%' && i + 2 < p.size() && hex_value(p[i + 1]) >= 0 && hex_value(p[i + 2]) >= 0)
    return {static_cast<unsigned char>(hex_value(p[i + 1]) * 16 + hex_value(p[i + 2])), 3, true};
  if (p[i] == '\\' && i + 3 < p.size() && p[i + 1] == 'x' && hex_value(p[i + 2]) >= 0 &&
      hex_value(p[i + 3]) >= 0)
    return {static_cast<unsigned char>(hex_value(p[i + 2]) * 16 + hex_value(p[i + 3])), 4, true};
  if (p[i] == '\\' && i + 1 < p.size() && (p[i + 1] == '"' || p[i + 1] == '\\'))
    return {static_cast<unsigned char>(p[i + 1]), 2, true};
  return {static_cast<unsigned char>(p[i]), 1, false};
}

// The length of the UTF-8 sequence whose lead byte is `c` (0 when `c` cannot lead one).
std::size_t utf8_sequence_length(unsigned char c) {
  if (c >= 0xC2 && c <= 0xDF) return 2;
  if (c >= 0xE0 && c <= 0xEF) return 3;
  if (c >= 0xF0 && c <= 0xF4) return 4;
  return 0;
}

// True when the `n` bytes form valid UTF-8 (no overlong form, no surrogate, at most U+10FFFF).
bool valid_utf8(const unsigned char* b, std::size_t n) {
  for (std::size_t k = 1; k < n; ++k)
    if ((b[k] & 0xC0) != 0x80) return false;
  if (n == 3 && b[0] == 0xE0 && b[1] < 0xA0) return false;  // overlong
  if (n == 3 && b[0] == 0xED && b[1] >= 0xA0) return false; // surrogate
  if (n == 4 && b[0] == 0xF0 && b[1] < 0x90) return false;  // overlong
  if (n == 4 && b[0] == 0xF4 && b[1] >= 0x90) return false; // above U+10FFFF
  return true;
}

void append_escape(std::string& out, unsigned char c) {
  constexpr char k_hex[] = "0123456789ABCDEF";
  out += '%';
  out += k_hex[c >> 4];
  out += k_hex[c & 0xF];
}

} // namespace

bool normalise_path(std::string_view path, std::string& out) {
  // Raw bytes that are not ASCII too: a byte that is not UTF-8 was kept raw, then written as U+FFFD
  // in JSON, so that two pages had one name there, and a third spelling in TSV (a review, 2026-12-07).
  // Eight bytes a test: byte by byte, this was 1.2% of a run's instructions (callgrind, 200,000 lines).
  // Raw control bytes too (a JSON log decodes "\n" in a request: a review, 2026-12-07, found a
  // newline in a page's name where a text log's line gives %0A).
  const auto raw_high = [](std::string_view p) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    std::size_t i = 0;
    for (; i + 8 <= p.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, p.data() + i, 8);
      const std::uint64_t del = word ^ (0x7F * ones);
      // A byte >= 0x80, a byte < 0x20, a byte 0x7F (Hacker's Delight's bytewise tests, 6-1).
      if ((word | ((word - 0x20 * ones) & ~word) | ((del - ones) & ~del)) & highs) return true;
    }
    for (; i < p.size(); ++i) {
      const auto c = static_cast<unsigned char>(p[i]);
      if (c >= 0x80 || c < 0x20 || c == 0x7F) return true;
    }
    return false;
  };
  if (std::memchr(path.data(), '%', path.size()) == nullptr &&
      std::memchr(path.data(), '\\', path.size()) == nullptr && !raw_high(path))
    return false;
  out.clear();
  for (std::size_t i = 0; i < path.size();) {
    const Byte b = read_byte(path, i);
    if (b.value >= 0x80) {
      // A UTF-8 sequence, escaped or not, byte by byte: kept as UTF-8 when valid.
      const std::size_t n = utf8_sequence_length(b.value);
      unsigned char seq[4] = {b.value, 0, 0, 0};
      std::size_t spelled = b.length, got = 1;
      while (got < n && i + spelled < path.size()) {
        const Byte next = read_byte(path, i + spelled);
        seq[got++] = next.value;
        spelled += next.length;
      }
      if (n != 0 && got == n && valid_utf8(seq, n)) {
        out.append(reinterpret_cast<const char*>(seq), n);
        i += spelled;
        continue;
      }
      append_escape(out, b.value); // not UTF-8: one byte, escaped
      i += b.length;
      continue;
    }
    if (!b.escaped) {
      // A raw control byte (decoded from a JSON log) as a text log's escape gives it: %0A.
      if (b.value < 0x20 || b.value == 0x7F)
        append_escape(out, b.value);
      else
        out += static_cast<char>(b.value);
    } else if (unreserved(b.value)) {
      out += static_cast<char>(b.value);
    } else {
      append_escape(out, b.value); // reserved, control, quote, backslash: as the client sent it
    }
    i += b.length;
  }
  return true;
}

std::string_view page_key(std::string_view raw_path, std::string_view query,
                          const std::vector<std::string>& keep, std::string& path_buf, std::string& key_buf) {
  const std::string_view path =
      util::normalise_path(raw_path, path_buf) ? std::string_view(path_buf) : raw_path;
  if (keep.empty() || query.empty()) return path;
  query = query.substr(0, query.find('#')); // "/?p=123#comments" is "/?p=123" (a review, 2026-12-07)
  key_buf.assign(path);
  char sep = '?';
  for (QueryParam param; next_param(query, param);) {
    for (const std::string& name_kept : keep) {
      if (param.name == name_kept) {
        key_buf += sep;
        key_buf.append(param.pair);
        sep = '&';
        break;
      }
    }
  }
  // The parameters' bytes as the path's are (/?p=\xE9 and /?p=%E9: one page, one name in every
  // format: a review, 2026-12-07); path_buf, copied into key_buf, is free again.
  if (key_buf.size() > path.size() && normalise_path(key_buf, path_buf)) return path_buf;
  return key_buf;
}

bool has_param(std::string_view query, const std::vector<std::string>& names) {
  for (QueryParam param; next_param(query, param);)
    for (const std::string& n : names)
      if (param.name == n) return true;
  return false;
}

void url_path_query(std::string_view url, std::string_view& path, std::string_view& query) {
  const std::size_t scheme = url.find("://");
  const std::size_t start = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  path = start == std::string_view::npos ? std::string_view("/") : url.substr(start);
  path = path.substr(0, path.find('#'));
  query = {};
  if (const std::size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
}

} // namespace darkscan::util
