#pragma once

#include <darkscan/util/atomic_file.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace darkscan {

// Where a report or a hit stream goes: standard output, or a file written
// atomically (-o). Buffered; write() may flush, finish() flushes and commits.
class Output {
public:
  // `path` empty: standard output.
  explicit Output(const std::string& path);

  // Appends to the buffer; flushes when it holds more than 1 MiB.
  void write(std::string_view data);
  // The buffer, to append to directly; call maybe_flush() after.
  std::string& buffer() { return m_buffer; }
  void maybe_flush() {
    if (m_buffer.size() >= k_flush) flush();
  }
  // Flushes and, for a file, renames it into place. Throws Error(cannot_write).
  void finish();

private:
  static constexpr std::size_t k_flush = 1 << 20;
  void flush();

  std::unique_ptr<util::AtomicFile> m_file;
  std::string m_buffer;
};

} // namespace darkscan
