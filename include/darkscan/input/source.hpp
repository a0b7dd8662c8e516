#pragma once

#include <darkscan/common/i18n.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace darkscan {

// How the bytes of an input are compressed; detected from magic bytes, never
// from the file name.
enum class Codec { plain, gzip, bzip2, xz, zstd };

std::string_view codec_name(Codec codec);

// Codec of a stream that starts with `head` (at least 6 bytes when available).
Codec detect_codec(std::string_view head);

// Decoded bytes of one input: a file, or standard input for "-". Compression is
// detected from the first bytes and undone behind this one interface (gzip with
// several members, bzip2, xz, zstd through Boost.Iostreams; plain files are read
// with read(2) directly). Memory use is a fixed set of buffers.
class Source {
public:
  virtual ~Source() = default;

  // Opens `path` ("-" is standard input). Throws Error(ExitCode::input_failed)
  // "cannot open 'path': <reason>" when it cannot be opened or is a directory.
  static std::unique_ptr<Source> open(const std::string& path);

  // Copies up to `size` decoded bytes into `out`; returns 0 at the end of the
  // input or when reading stopped on an error (then error() says why).
  virtual std::size_t read(char* out, std::size_t size) = 0;

  // Skips up to `size` decoded bytes; returns how many were skipped (fewer at
  // the end of the input). Plain files seek; others are decoded and dropped.
  virtual std::uint64_t skip(std::uint64_t size);

  // For a plain regular file: the size of its complete lines now (up to and
  // including its last newline), so that a line being written is left for
  // the next run. Otherwise (compressed, a pipe): UINT64_MAX.
  virtual std::uint64_t complete_lines_end() { return UINT64_MAX; }

  // The name to show in messages: the path, or "(stdin)".
  const std::string& name() const { return m_name; }
  Codec codec() const { return m_codec; }

  // Size of the file as stored (compressed), 0 when unknown (a pipe).
  std::uint64_t stored_size() const { return m_stored_size; }
  // Bytes of the file read so far, as stored: for progress reports.
  virtual std::uint64_t stored_position() const = 0;

  // Empty, or why reading stopped before the end ("truncated or corrupt gzip
  // data", "Input/output error"); what was read before stays valid.
  const Message& error() const { return m_error; }

protected:
  Source(std::string name, Codec codec) : m_name(std::move(name)), m_codec(codec) {}
  Message m_error;
  std::uint64_t m_stored_size = 0;

private:
  std::string m_name;
  Codec m_codec;
};

} // namespace darkscan
