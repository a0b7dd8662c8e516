#include <darkscan/util/text.hpp>

#include <catch2/catch.hpp>

using namespace darkscan::util;

namespace {
std::string json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
std::string tsv(std::string_view s) {
  std::string out;
  append_tsv_field(out, s);
  return out;
}
std::string csv(std::string_view s) {
  std::string out;
  append_csv_field(out, s);
  return out;
}
} // namespace

TEST_CASE("text: terminal output never carries control sequences", "[text]") {
  CHECK(escape_for_terminal("plain /path") == "plain /path");
  CHECK(escape_for_terminal("\x1b[31mred\x1b[0m") == "\\x1B[31mred\\x1B[0m");
  CHECK(escape_for_terminal("a\rb\bc\x7f") == "a\\x0Db\\x08c\\x7F");
  CHECK(escape_for_terminal("\xc2\x9b"
                            "2J") == "\\xC2\\x9B2J");         // C1 CSI
  CHECK(escape_for_terminal("caf\xc3\xa9") == "caf\xc3\xa9"); // UTF-8 stays
  CHECK(escape_for_terminal("\x9b[31m") == "\\x9B[31m");      // a lone 8-bit CSI
  CHECK(escape_for_terminal("a\xff\xfe"
                            "b") == "a\\xFF\\xFEb"); // invalid UTF-8
}

TEST_CASE("text: JSON strings are escaped and valid UTF-8", "[text]") {
  CHECK(json(R"(a"b\c)") == R"(a\"b\\c)");
  CHECK(json("tab\there\nnl") == R"(tab\there\nnl)");
  CHECK(json(std::string("\0\x1f", 2)) == R"(\u0000\u001f)");
  CHECK(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(json("\xff\xfe") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(json("\xc3(") == "\xEF\xBF\xBD(");                               // truncated sequence
  CHECK(json("\xc0\xaf") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong encoding of '/'
  CHECK(json("\xed\xa0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
  CHECK(json("\xe2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // cut at the end
  CHECK(json("\xc2\x9b[2J\xc2\xa0") == "\\u009b[2J\xc2\xa0");                  // C1 CSI escaped, NBSP kept
}

TEST_CASE("text: TSV fields stay on one line and in one column", "[text]") {
  CHECK(tsv("a\tb\nc\rd\\e") == R"(a\tb\nc\rd\\e)");
  CHECK(tsv("\x1b[0m") == "\\x1B[0m");
  CHECK(tsv("\x9b[2J caf\xc3\xa9 \xc2\x9b") == "\\x9B[2J caf\xc3\xa9 \\xC2\\x9B"); // C1, raw or UTF-8
}

TEST_CASE("text: CSV fields cannot attack a terminal", "[text]") {
  CHECK(csv("/plain") == "/plain");
  CHECK(csv("a,b") == "\"a,b\"");
  CHECK(csv("say \"hi\"") == "\"say \"\"hi\"\"\"");
  SECTION("CR and LF stay inside quotes (RFC 4180); tab stays") {
    CHECK(csv("a\r\nb") == "\"a\r\nb\"");
    CHECK(csv("a\tb") == "a\tb");
  }
  SECTION("other control bytes are escaped as in TSV") {
    CHECK(csv("\x1b]0;owned\x07\x1b[2J") == "\\x1B]0;owned\\x07\\x1B[2J");
    CHECK(csv(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(csv("del\x7f") == "del\\x7F");
    CHECK(csv("\x9b[31m\xc2\x9b\xff") == "\\x9B[31m\\xC2\\x9B\\xFF");
    CHECK(csv("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(csv("\x1b,\"") == "\"\\x1B,\"\"\"");
  }
  SECTION("formulas are defused") {
    CHECK(csv("=cmd") == "\"'=cmd\"");
    CHECK(csv("@\x1b") == "\"'@\\x1B\"");
  }
}

TEST_CASE("text: shorten and group_thousands", "[text]") {
  CHECK(shorten("short", 10) == "short");
  CHECK(shorten("/news/2026/11/a-very-long-article-slug", 15) == "/news/2\xE2\x80\xA6le-slug");
  CHECK(shorten("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 6) == "\xc3\xa9\xE2\x80\xA6\xc3\xa9");
  CHECK(group_thousands(0) == "0");
  CHECK(group_thousands(999) == "999");
  CHECK(group_thousands(1000) == "1,000");
  CHECK(group_thousands(1234567) == "1,234,567");
}

TEST_CASE("text: HTML text cannot open a tag or an attribute", "[text]") {
  const auto html = [](std::string_view s) {
    std::string out;
    append_html_text(out, s);
    return out;
  };
  CHECK(html("/<script>alert(1)</script>") == "/&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(html("\"><img src=x onerror='a'>") == "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;");
  CHECK(html("a&b") == "a&amp;b");
  CHECK(html("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(html("\x1b[31m") == "\xEF\xBF\xBD[31m");
  CHECK(html(std::string_view("\x01\xff", 2)) == "\xEF\xBF\xBD\xEF\xBF\xBD");
}
