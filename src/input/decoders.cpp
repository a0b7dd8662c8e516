#include <darkscan/input/decoders.hpp>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <stdexcept>

namespace darkscan {

namespace {

class GzipDecoder final : public Decoder {
public:
  GzipDecoder() {
    if (inflateInit2(&m_z, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~GzipDecoder() override { inflateEnd(&m_z); }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  std::size_t decode(std::string_view& in, char* out, std::size_t size) override {
    if (!m_error.empty()) return 0;
    std::size_t produced = 0;
    while (produced < size && (!in.empty() || m_pending)) {
      if (m_between_members) {
        if (in.empty()) break;
        // Zero bytes after a member are padding (tape and block devices add
        // them; gzip ignores them); anything after the padding is an error.
        while (!in.empty() && in[0] == '\0') {
          in.remove_prefix(1);
          m_padding = true;
        }
        if (in.empty()) break;
        // After a member: another one must follow ("cat a.gz b.gz").
        if (m_padding || static_cast<unsigned char>(in[0]) != 0x1f) {
          m_error = translated(N_("unexpected data after the end of a gzip member"));
          break;
        }
        inflateReset(&m_z);
        m_between_members = false;
      }
      m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      m_z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), 1u << 30));
      m_z.next_out = reinterpret_cast<Bytef*>(out + produced);
      m_z.avail_out = static_cast<uInt>(std::min<std::size_t>(size - produced, 1u << 30));
      const uInt before_in = m_z.avail_in, before_out = m_z.avail_out;
      const int rc = inflate(&m_z, Z_NO_FLUSH);
      in.remove_prefix(before_in - m_z.avail_in);
      produced += before_out - m_z.avail_out;
      m_pending = m_z.avail_out == 0; // zlib may hold more output for us
      if (rc == Z_STREAM_END) {
        m_between_members = true;
      } else if (rc == Z_BUF_ERROR) {
        break; // needs more input or more room
      } else if (rc != Z_OK) {
        m_error =
            m_z.msg ? message(N_("corrupt gzip data ({})"), m_z.msg) : translated(N_("corrupt gzip data"));
        break;
      }
    }
    return produced;
  }

  bool at_boundary() const override { return m_between_members || m_z.total_in == 0; }

private:
  z_stream m_z{};
  bool m_between_members = false;
  bool m_pending = false;
  bool m_padding = false;
};

// Decoded a block (900 kB at most) at a time, as bzip2 compresses: damage loses the block it is in
// and what follows, and keeps every block before it (Boost's bzip2 filter threw, and what it had
// decoded and buffered was lost with it: a review, 2026-12-06, 234 of 334 lines of a stream with
// trailing bytes).
class Bzip2Decoder final : public Decoder {
public:
  Bzip2Decoder() { start(); }
  ~Bzip2Decoder() override { BZ2_bzDecompressEnd(&m_s); }
  Bzip2Decoder(const Bzip2Decoder&) = delete;
  Bzip2Decoder& operator=(const Bzip2Decoder&) = delete;

  std::size_t decode(std::string_view& in, char* out, std::size_t size) override {
    if (!m_error.empty()) return 0;
    std::size_t produced = 0;
    while (produced < size && (!in.empty() || m_pending)) {
      if (m_between_streams) {
        if (in.empty()) break;
        // After a stream: another one must follow ("cat a.bz2 b.bz2", pbzip2), each "BZh". Bytes
        // that cannot begin one are an error at once (a second review: one or two were "truncated").
        const std::string_view magic = "BZh";
        const std::size_t seen = std::min(in.size(), magic.size());
        if (in.substr(0, seen) == magic.substr(0, seen) && seen < magic.size()) break; // more may come
        if (in.substr(0, seen) != magic.substr(0, seen)) {
          m_error = translated(N_("unexpected data after the end of a bzip2 stream"));
          break;
        }
        BZ2_bzDecompressEnd(&m_s);
        start();
        m_between_streams = false;
      }
      m_s.next_in = const_cast<char*>(in.data());
      m_s.avail_in = static_cast<unsigned>(std::min<std::size_t>(in.size(), 1u << 30));
      m_s.next_out = out + produced;
      m_s.avail_out = static_cast<unsigned>(std::min<std::size_t>(size - produced, 1u << 30));
      const unsigned before_in = m_s.avail_in, before_out = m_s.avail_out;
      const int rc = BZ2_bzDecompress(&m_s);
      in.remove_prefix(before_in - m_s.avail_in);
      produced += before_out - m_s.avail_out;
      m_consumed = m_consumed || before_in != m_s.avail_in;
      m_pending = m_s.avail_out == 0; // bzip2 may hold more output for us
      if (rc == BZ_STREAM_END) {
        m_between_streams = true;
      } else if (rc != BZ_OK) {
        m_error = translated(N_("corrupt bzip2 data"));
        break;
      } else if (before_in == m_s.avail_in && before_out == m_s.avail_out) {
        break; // needs more input
      }
    }
    return produced;
  }

  bool at_boundary() const override { return m_between_streams || !m_consumed; }

private:
  void start() {
    m_s = bz_stream{};
    if (BZ2_bzDecompressInit(&m_s, 0, 0) != BZ_OK) throw std::bad_alloc();
  }

  bz_stream m_s{};
  bool m_between_streams = false;
  bool m_pending = false;
  bool m_consumed = false;
};

class XzDecoder final : public Decoder {
public:
  XzDecoder() {
    if (lzma_stream_decoder(&m_s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) throw std::bad_alloc();
  }
  ~XzDecoder() override { lzma_end(&m_s); }
  XzDecoder(const XzDecoder&) = delete;
  XzDecoder& operator=(const XzDecoder&) = delete;

  std::size_t decode(std::string_view& in, char* out, std::size_t size) override {
    if (!m_error.empty() || m_ended) return 0;
    m_s.next_in = reinterpret_cast<const uint8_t*>(in.data());
    m_s.avail_in = in.size();
    m_s.next_out = reinterpret_cast<uint8_t*>(out);
    m_s.avail_out = size;
    // LZMA_FINISH on an empty input tells the decoder the file has ended.
    const lzma_ret rc = lzma_code(&m_s, in.empty() ? LZMA_FINISH : LZMA_RUN);
    in.remove_prefix(in.size() - m_s.avail_in);
    const std::size_t produced = size - m_s.avail_out;
    if (rc == LZMA_STREAM_END)
      m_ended = true;
    else if (rc == LZMA_BUF_ERROR && in.empty())
      m_error = translated(N_("truncated xz data"));
    else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
      m_error = translated(N_("corrupt xz data"));
    return produced;
  }

  bool at_boundary() const override { return m_ended; }

private:
  lzma_stream m_s = LZMA_STREAM_INIT;
  bool m_ended = false;
};

class ZstdDecoder final : public Decoder {
public:
  ZstdDecoder() : m_d(ZSTD_createDStream()) {
    if (!m_d) throw std::bad_alloc();
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(m_d); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  std::size_t decode(std::string_view& in, char* out, std::size_t size) override {
    if (!m_error.empty()) return 0;
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    ZSTD_outBuffer output{out, size, 0};
    const std::size_t rc = ZSTD_decompressStream(m_d, &output, &input);
    in.remove_prefix(input.pos);
    if (ZSTD_isError(rc)) {
      m_error = message(N_("corrupt zstd data ({})"), ZSTD_getErrorName(rc));
    } else if (input.size > 0 || output.pos > 0) {
      m_frame_done = rc == 0; // 0: a frame ended and all of it was flushed
    }
    return output.pos;
  }

  bool at_boundary() const override { return m_frame_done; }

private:
  ZSTD_DStream* m_d;
  bool m_frame_done = true;
};

} // namespace

std::unique_ptr<Decoder> make_bzip2_decoder() { return std::make_unique<Bzip2Decoder>(); }
std::unique_ptr<Decoder> make_gzip_decoder() { return std::make_unique<GzipDecoder>(); }
std::unique_ptr<Decoder> make_xz_decoder() { return std::make_unique<XzDecoder>(); }
std::unique_ptr<Decoder> make_zstd_decoder() { return std::make_unique<ZstdDecoder>(); }

} // namespace darkscan
