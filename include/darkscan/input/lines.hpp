#pragma once

#include <darkscan/input/source.hpp>
#include <darkscan/util/byte_buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// One line of input, without its "\n" or "\r\n". `text` points into the
// reader's buffer and stays valid until the next call to LineReader::next().
struct Line {
  std::string_view text;
  std::uint64_t number = 0; // 1-based, per source
  bool overlong = false;    // longer than the cap: `text` holds only its start
};

// Where a line ends and what of it is kept, the same for LineReader::next and for the parallel scan,
// which splits its blocks itself (scan_parallel.cpp): both give the same lines for any input. Inline:
// they run once a line.

// The first "\n" in `data[0, size)`, or null.
inline const char* find_newline(const char* data, std::size_t size) {
  return static_cast<const char*>(std::memchr(data, '\n', size));
}

// The part of a line that is returned: its length, and whether it was capped.
struct LineCut {
  std::size_t size;
  bool overlong;
};

// The line `data[0, size)`, its "\n" (if any) left out: without a final "\r", capped at `max_line`
// bytes and flagged when longer. The cap is on the text, not its CR.
inline LineCut cut_line(const char* data, std::size_t size, std::size_t max_line) {
  if (size > 0 && data[size - 1] == '\r') --size;
  if (size > max_line) return {max_line, true};
  return {size, false};
}

// True when `size` bytes with no "\n" among them are already an overlong line, whatever follows
// (+ 1: room for the CR of a CRLF line of exactly the cap). The reader then returns the capped start
// and skips the rest, so that memory stays bounded.
inline bool past_cap(std::size_t size, std::size_t max_line) { return size > max_line + 1; }

// Splits a Source into lines with large reads and memchr, without allocating
// per line. A line longer than `max_line` bytes is returned once, capped and
// flagged `overlong`; the rest of it is skipped, so memory stays bounded
// whatever the input holds.
class LineReader {
public:
  static constexpr std::size_t k_default_max_line = 64 * 1024;

  // `first_line`: the number of the line before the first one read (lines
  // already read in an earlier run), so messages keep the file's numbering.
  explicit LineReader(Source& source, std::size_t max_line = k_default_max_line,
                      std::uint64_t first_line = 0);

  // Next line, or false at the end of the source (or when it failed: see
  // Source::error()). A last line without a newline is still returned.
  bool next(Line& line);

  // Bytes of decoded input consumed so far.
  std::uint64_t bytes() const { return m_bytes; }

  // Lines returned by next() so far (the number of the last one).
  std::uint64_t lines() const { return m_number; }

  // For a caller that splits lines itself (the parallel scan): appends up to
  // `size` raw bytes that next() has not returned, buffered ones first, and
  // returns false when none is left. Finishes skipping an overlong line first.
  bool read_raw(util::ByteBuffer& out, std::size_t size);

private:
  bool fill();

  Source& m_source;
  std::size_t m_max_line;
  std::vector<char> m_buffer;
  std::size_t m_begin = 0;
  std::size_t m_end = 0;
  std::uint64_t m_number = 0;
  std::uint64_t m_bytes = 0;
  bool m_eof = false;
  bool m_skipping = false; // inside the tail of an overlong line
};

} // namespace darkscan
