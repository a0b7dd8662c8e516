#include "memory_source.hpp"

#include <darkscan/input/lines.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace darkscan;

namespace {

struct Read {
  std::vector<std::string> lines;
  std::vector<bool> overlong;
};

Read read_all(const std::string& data, std::size_t chunk = 1 << 20, std::size_t max_line = 1024) {
  test::MemorySource source(data, chunk);
  LineReader reader(source, max_line);
  Read r;
  Line line;
  std::uint64_t expected_number = 1;
  while (reader.next(line)) {
    CHECK(line.number == expected_number++);
    r.lines.emplace_back(line.text);
    r.overlong.push_back(line.overlong);
  }
  CHECK(reader.bytes() == data.size());
  return r;
}

} // namespace

TEST_CASE("lines: line endings", "[lines]") {
  SECTION("LF, CRLF and a last line without a newline") {
    const Read r = read_all("a\r\nbb\n\nccc");
    CHECK(r.lines == std::vector<std::string>{"a", "bb", "", "ccc"});
  }
  SECTION("empty input has no lines") { CHECK(read_all("").lines.empty()); }
  SECTION("a lone newline is one empty line") { CHECK(read_all("\n").lines == std::vector<std::string>{""}); }
  SECTION("NUL bytes are kept inside lines") {
    const Read r = read_all(std::string("a\0b\nc", 5));
    REQUIRE(r.lines.size() == 2);
    CHECK(r.lines[0] == std::string("a\0b", 3));
  }
  SECTION("a CR alone in the middle is not a line break") {
    CHECK(read_all("a\rb\n").lines == std::vector<std::string>{"a\rb"});
  }
  SECTION("a byte order mark at the start is not part of the first line, and only there") {
    const std::string bom = "\xEF\xBB\xBF";
    CHECK(read_all(bom + "{\"a\":1}\n" + bom + "b\n").lines ==
          std::vector<std::string>{"{\"a\":1}", bom + "b"});
    CHECK(read_all(bom).lines.empty());
  }
}

TEST_CASE("lines: reads of every size give the same lines", "[lines]") {
  std::string data;
  for (int i = 0; i < 300; ++i)
    data += std::string(static_cast<std::size_t>(i % 37), 'x') + std::to_string(i) + "\n";
  const Read whole = read_all(data);
  REQUIRE(whole.lines.size() == 300);
  for (std::size_t chunk : {1, 2, 3, 7, 64, 1000}) {
    INFO("chunk " << chunk);
    CHECK(read_all(data, chunk).lines == whole.lines);
  }
}

TEST_CASE("lines: overlong lines are capped, flagged and skipped", "[lines]") {
  const std::string huge(1 << 20, 'y'); // 1 MiB, cap 1 KiB
  SECTION("followed by a normal line") {
    for (std::size_t chunk : {std::size_t(1) << 20, std::size_t(4096), std::size_t(333)}) {
      INFO("chunk " << chunk);
      const Read r = read_all("first\n" + huge + "\nnext\n", chunk);
      REQUIRE(r.lines.size() == 3);
      CHECK(r.lines[0] == "first");
      CHECK(r.overlong[1]);
      CHECK(r.lines[1].size() == 1024);
      CHECK(r.lines[2] == "next");
      CHECK_FALSE(r.overlong[2]);
    }
  }
  SECTION("at the end, without a newline") {
    const Read r = read_all("first\n" + huge);
    REQUIRE(r.lines.size() == 2);
    CHECK(r.overlong[1]);
  }
  SECTION("the CR of a CRLF line does not count towards the cap") {
    const Read r = read_all(std::string(1024, 'z') + "\r\n" + std::string(1025, 'z') + "\r\nend\r\n", 100);
    REQUIRE(r.lines.size() == 3);
    CHECK_FALSE(r.overlong[0]);
    CHECK(r.lines[0].size() == 1024);
    CHECK(r.overlong[1]);
    CHECK(r.lines[2] == "end");
  }
  SECTION("at the end, without a newline, one byte past the cap") {
    // Read whole by LineReader and flagged by the parallel scan's blocks until both shared lines.hpp.
    for (std::size_t chunk : {std::size_t(1) << 20, std::size_t(1025), std::size_t(100)}) {
      INFO("chunk " << chunk);
      const Read r = read_all("first\n" + std::string(1025, 'z'), chunk);
      REQUIRE(r.lines.size() == 2);
      CHECK(r.overlong[1]);
      CHECK(r.lines[1].size() == 1024);
    }
  }
  SECTION("exactly at the cap is not overlong") {
    const Read r = read_all(std::string(1024, 'z') + "\n" + std::string(1025, 'z') + "\n");
    REQUIRE(r.lines.size() == 2);
    CHECK_FALSE(r.overlong[0]);
    CHECK(r.overlong[1]);
  }
}
