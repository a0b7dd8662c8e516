#include "temp_dir.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/input/source.hpp>

#include <boost/iostreams/copy.hpp>
#include <boost/iostreams/device/back_inserter.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace darkscan;
namespace io = boost::iostreams;

namespace {

template <typename Compressor> std::string compress(const std::string& data, Compressor compressor) {
  std::string out;
  io::filtering_ostream os;
  os.push(compressor);
  os.push(io::back_inserter(out));
  os << data;
  os.reset();
  return out;
}

std::string read_all(Source& source) {
  std::string out;
  char buf[777]; // an odd size, to cross member and buffer boundaries
  while (std::size_t n = source.read(buf, sizeof buf))
    out.append(buf, n);
  return out;
}

std::string sample_text(int lines) {
  std::string s;
  for (int i = 0; i < lines; ++i)
    s += "1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] \"GET /p/" + std::to_string(i) + " HTTP/1.1\" 200 1\n";
  return s;
}

} // namespace

TEST_CASE("source: codec from magic bytes", "[source]") {
  CHECK(detect_codec("\x1f\x8b\x08\x00") == Codec::gzip);
  CHECK(detect_codec("BZh91AY") == Codec::bzip2);
  CHECK(detect_codec("BZh") == Codec::plain);
  CHECK(detect_codec(std::string_view("\xfd"
                                      "7zXZ\0",
                                      6)) == Codec::xz);
  CHECK(detect_codec("\x28\xb5\x2f\xfd") == Codec::zstd);
  CHECK(detect_codec("\x50\x2a\x4d\x18") == Codec::zstd); // a skippable frame first (pzstd)
  CHECK(detect_codec("\x5f\x2a\x4d\x18") == Codec::zstd);
  CHECK(detect_codec("\x60\x2a\x4d\x18") == Codec::plain);
  CHECK(detect_codec("1.2.3.4 - -") == Codec::plain);
  CHECK(detect_codec("") == Codec::plain);
  CHECK(detect_codec("\x1f") == Codec::plain);
}

TEST_CASE("source: every codec decodes to the same text, whatever the file name", "[source]") {
  test::TempDir dir;
  const std::string text = sample_text(5000);
  struct Case {
    const char* name;
    std::string bytes;
    Codec codec;
  };
  const Case cases[] = {
      {"plain.gz", text, Codec::plain}, // a name that lies
      {"a.log", compress(text, io::gzip_compressor()), Codec::gzip},
      {"b.log", compress(text, io::bzip2_compressor()), Codec::bzip2},
      {"c.log", compress(text, io::lzma_compressor()), Codec::xz},
      {"d.log", compress(text, io::zstd_compressor()), Codec::zstd},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto source = Source::open(dir.write(c.name, c.bytes));
    CHECK(source->codec() == c.codec);
    CHECK(read_all(*source) == text);
    CHECK(source->error().empty());
  }
}

TEST_CASE("source: zstd that opens with a skippable frame, as pzstd writes it", "[source]") {
  test::TempDir dir;
  const std::string text = sample_text(2000);
  // Magic 0x184D2A50 (little-endian), a 4-byte frame size, that many bytes (RFC 8878, 3.1.2).
  const std::string skippable("\x50\x2a\x4d\x18\x04\x00\x00\x00"
                              "abcd",
                              12);
  auto source = Source::open(dir.write("p.zst", skippable + compress(text, io::zstd_compressor())));
  CHECK(source->codec() == Codec::zstd);
  CHECK(read_all(*source) == text);
  CHECK(source->error().empty());
}

TEST_CASE("source: an empty file named as compressed is lost data, an empty log is not (a review)",
          "[source]") {
  test::TempDir dir;
  for (const char* name : {"access.log.2.gz", "a.bz2", "a.xz", "a.zst"}) {
    INFO(name);
    try {
      Source::open(dir.write(name, ""));
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::input_failed);
      CHECK_THAT(std::string(e.what()), Catch::Contains("is empty, though its name says it is compressed"));
    }
  }
  auto plain = Source::open(dir.write("access.log", ""));
  CHECK(read_all(*plain).empty());
  CHECK(plain->error().empty());
}

TEST_CASE("source: a file cut short while it is read is an input that failed (copytruncate)", "[source]") {
  // A robustness review, 2026-12-07: logrotate's copytruncate during a run lost half a log, status 0.
  test::TempDir dir;
  const std::string path = dir.write("access.log", std::string(200000, 'x'));
  auto source = Source::open(path);
  std::string buf(1000, '\0');
  REQUIRE(source->read(buf.data(), buf.size()) > 0);
  std::filesystem::resize_file(path, 0);
  while (source->read(buf.data(), buf.size()) > 0) {
  }
  CHECK_THAT(source->error().en, Catch::Contains("cut short while it was read, to 0 bytes"));
  // A file that only grew, or stayed as it was, is read to its end without an error.
  const std::string other = dir.write("other.log", std::string(5000, 'y'));
  auto whole = Source::open(other);
  std::size_t total = whole->read(buf.data(), buf.size());
  REQUIRE(total > 0);
  std::ofstream(other, std::ios::app) << std::string(3000, 'z');
  while (const std::size_t n = whole->read(buf.data(), buf.size()))
    total += n;
  CHECK(total == 8000);
  CHECK(whole->error().empty());
}

TEST_CASE("source: gzip with several members (appended rotations)", "[source]") {
  test::TempDir dir;
  const std::string a = sample_text(1000), b = sample_text(7), c = sample_text(300);
  const std::string joined = compress(a, io::gzip_compressor()) + compress(b, io::gzip_compressor()) +
                             compress(c, io::gzip_compressor());
  auto source = Source::open(dir.write("multi.gz", joined));
  CHECK(read_all(*source) == a + b + c);
  CHECK(source->error().empty());
}

TEST_CASE("source: truncated or corrupt compressed data", "[source]") {
  test::TempDir dir;
  const std::string text = sample_text(50000);
  SECTION("truncated gzip: the part before the cut is read, then an error") {
    const std::string gz = compress(text, io::gzip_compressor());
    auto source = Source::open(dir.write("cut.gz", gz.substr(0, gz.size() / 2)));
    const std::string got = read_all(*source);
    CHECK(got.size() > 0);
    CHECK(got.size() < text.size());
    CHECK(text.compare(0, got.size(), got) == 0);
    CHECK(source->error().en == "truncated gzip data (the file ends in the middle of a stream)");
  }
  SECTION("garbage after a gzip magic") {
    auto source = Source::open(dir.write("bad.gz", "\x1f\x8b garbage that is not deflate"));
    read_all(*source);
    CHECK_THAT(source->error().en, Catch::StartsWith("corrupt gzip data"));
  }
  SECTION("zero padding after the last gzip member is ignored, data after the padding is not") {
    const std::string gz = compress(text, io::gzip_compressor());
    auto padded = Source::open(dir.write("padded.gz", gz + std::string(512, '\0')));
    CHECK(read_all(*padded) == text);
    CHECK(padded->error().empty());
    auto junk = Source::open(dir.write("junk.gz", gz + std::string(8, '\0') + "junk"));
    CHECK(read_all(*junk) == text);
    CHECK_FALSE(junk->error().empty());
  }
  SECTION("data after the last gzip member") {
    auto source = Source::open(dir.write("tail.gz", compress(text, io::gzip_compressor()) + "trailing junk"));
    CHECK(read_all(*source) == text);
    CHECK(source->error().en == "unexpected data after the end of a gzip member");
  }
  SECTION("bzip2: every block before the damage is read, streams one after another too") {
    // Boost's own bzip2 filter threw and lost what it had buffered (a review, 2026-12-06: 234 of
    // 334 lines of a whole stream followed by a few bytes).
    const std::string bz = compress(text, io::bzip2_compressor());
    for (const std::string junk : {"trailing junk", "x", "BZ"}) {
      auto tail = Source::open(dir.write("tail.bz2", bz + junk));
      CHECK(read_all(*tail) == text);
      CHECK(tail->error().en == (junk == "BZ"
                                     ? "truncated bzip2 data (the file ends in the middle of a stream)"
                                     : "unexpected data after the end of a bzip2 stream"));
    }
    auto last_byte = Source::open(dir.write("last.bz2", bz.substr(0, bz.size() - 1)));
    CHECK(read_all(*last_byte) == text); // the stream's end and its check are cut, not its blocks
    CHECK(last_byte->error().en == "truncated bzip2 data (the file ends in the middle of a stream)");
    auto two = Source::open(dir.write("two.bz2", bz + compress(sample_text(7), io::bzip2_compressor())));
    CHECK(read_all(*two) == text + sample_text(7));
    CHECK(two->error().empty());
    std::string flipped = bz;
    flipped[flipped.size() * 3 / 4] ^= 0x55;
    auto bad = Source::open(dir.write("bad.bz2", flipped));
    const std::string got = read_all(*bad);
    CHECK(got.size() > text.size() / 4); // the first blocks, whole (900 kB each at -9)
    CHECK(text.compare(0, got.size() / 2, got, 0, got.size() / 2) == 0);
    CHECK(bad->error().en == "corrupt bzip2 data");
  }
  SECTION("truncated bzip2, zstd and xz") {
    for (const std::string& packed :
         {compress(text, io::bzip2_compressor()), compress(text, io::zstd_compressor()),
          compress(text, io::lzma_compressor())}) {
      auto source = Source::open(dir.write("cut", packed.substr(0, packed.size() / 2)));
      const std::string got = read_all(*source);
      CHECK(got.size() < text.size());
      CHECK_FALSE(source->error().empty());
    }
  }
}

TEST_CASE("source: files that cannot be opened", "[source]") {
  test::TempDir dir;
  try {
    Source::open(dir.path("missing.log"));
    FAIL("opened a missing file");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) ==
          "cannot open '" + dir.path("missing.log") + "': No such file or directory");
    CHECK(e.code() == ExitCode::input_failed);
  }
  try {
    Source::open(dir.path(""));
    FAIL("opened a directory");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("it is a folder; give the logs in it"));
  }
}

TEST_CASE("source: tiny and empty files", "[source]") {
  test::TempDir dir;
  auto empty = Source::open(dir.write("empty", ""));
  CHECK(read_all(*empty).empty());
  CHECK(empty->error().empty());
  auto tiny = Source::open(dir.write("tiny", "ab"));
  CHECK(read_all(*tiny) == "ab");
}
