#pragma once

#include <darkscan/common/i18n.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace darkscan {

// A streaming decompressor, driven by the Boost.Iostreams filter in
// source.cpp. Unlike Boost's own gzip/xz/zstd filters, it hands out every byte
// it decoded before a corruption, and it tells a stream cut short from a
// complete one, so a damaged file loses nothing that could be read and is
// always reported.
class Decoder {
public:
  virtual ~Decoder() = default;

  // Decodes from `in` (advanced past what was consumed) into `out`; returns
  // the bytes written. On corrupt data it returns what it decoded before and
  // sets error(); later calls return 0.
  virtual std::size_t decode(std::string_view& in, char* out, std::size_t size) = 0;

  // True when the data fed so far ends at a stream boundary (not cut short).
  virtual bool at_boundary() const = 0;

  const Message& error() const { return m_error; }
  // Records damage found outside decode() (a stream cut short).
  void set_error(Message message) { m_error = std::move(message); }

protected:
  Message m_error;
};

// gzip, with any number of members (as `cat a.gz b.gz` makes).
std::unique_ptr<Decoder> make_gzip_decoder();
// bzip2, with any number of streams.
std::unique_ptr<Decoder> make_bzip2_decoder();
// xz, with concatenated streams.
std::unique_ptr<Decoder> make_xz_decoder();
// zstd, with any number of frames.
std::unique_ptr<Decoder> make_zstd_decoder();

} // namespace darkscan
