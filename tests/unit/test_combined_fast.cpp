// The combined format's fast path (combined_fast.hpp) against the generic walker: the same answer
// on plain lines and on every kind of line it must decline. fuzz_line_parser does the same on
// generated lines.
#include <darkscan/parse/combined_fast.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

using namespace darkscan;

namespace {

bool same_view(std::string_view x, std::string_view y) {
  return x.size() == y.size() && (x.empty() || x.data() == y.data());
}

void require_same(const LogFormat& fast, const LogFormat& generic, const std::string& line) {
  INFO("line: " << line);
  for (const bool exact : {false, true}) {
    Hit a, b;
    ParseError ea, eb;
    std::size_t fa = 0, fb = 0;
    const bool oka = fast.parse(line, a, ea, exact, fa), okb = generic.parse(line, b, eb, exact, fb);
    REQUIRE(oka == okb);
    if (!oka) {
      CHECK(ea.column == eb.column);
      CHECK(std::string(ea.reason) == eb.reason);
      continue;
    }
    CHECK(fa == fb);
    CHECK(same_view(a.client, b.client));
    CHECK(same_view(a.user, b.user));
    CHECK(same_view(a.method, b.method));
    CHECK(same_view(a.target, b.target));
    CHECK(same_view(a.path, b.path));
    CHECK(same_view(a.query, b.query));
    CHECK(same_view(a.protocol, b.protocol));
    CHECK(same_view(a.referer, b.referer));
    CHECK(same_view(a.user_agent, b.user_agent));
    CHECK(a.time == b.time);
    CHECK(a.bytes == b.bytes);
    CHECK(a.status == b.status);
    CHECK(a.request_valid == b.request_valid);
    CHECK(a.has_user_agent == b.has_user_agent);
    CHECK(a.has_referer == b.has_referer);
  }
}

LogFormat preset(const char* name) {
  LogFormat format;
  REQUIRE(find_preset(name, format));
  return format;
}

const char* const k_time = "[20/Nov/2026:08:00:01 +0100]";

// `head` + " [time] " + `tail`: the lines below differ from a plain line in one place each.
std::string line(const std::string& head, const std::string& tail) {
  return head + " " + k_time + " " + tail;
}

} // namespace

TEST_CASE("combined fast path: only the combined format, in Apache's and nginx's spelling, has it",
          "[parse][fast]") {
  CHECK(preset("combined").has_fast_path());
  const LogFormat nginx = LogFormat::compile(
      R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" )"
      R"("$http_user_agent")");
  CHECK(nginx.has_fast_path());
  for (const char* other : {"common", "vcombined", "combined-xff"})
    CHECK_FALSE(preset(other).has_fast_path());
  CHECK_FALSE(LogFormat::compile(R"($remote_addr - $remote_user [$time_iso8601] "$request" $status )"
                                 R"($body_bytes_sent "$http_referer" "$http_user_agent")")
                  .has_fast_path());
  LogFormat off = preset("combined");
  off.disable_fast_path();
  CHECK_FALSE(off.has_fast_path());
}

TEST_CASE("combined fast path: the same hit as the generic walker, or it declines", "[parse][fast]") {
  const std::string plain_tail =
      R"("GET /news/a?utm_source=whatsapp HTTP/1.1" 200 5120 "https://l.facebook.com/" )"
      R"("Mozilla/5.0 (iPhone) [FBAN/FBIOS;FBAV/450.0]")";
  const std::vector<std::string> lines = {
      line("203.0.113.9 - -", plain_tail),
      line("2001:db8::1 - alice", plain_tail),
      line("203.0.113.9 - -", R"("GET / HTTP/2.0" 304 - "-" "-")"),
      line("203.0.113.9 - -", R"("GET http://www.example.com/a?x=1 HTTP/1.1" 200 1 "" "")"),
      line("203.0.113.9 - -", R"("-" 400 0 "-" "-")"),
      line("203.0.113.9 - -", "\"\\x16\\x03\\x01\" 400 157 \"-\" \"-\""),
      line("10.0.0.2, 10.0.0.1 - -", plain_tail), // a client list
      line("10.0.0.2, 10.0.0.1 -", plain_tail),   // one field short, unless "10.0.0.2," were the client
      line("203.0.113.9\t- -", plain_tail),       // a tab
      line(" - -", plain_tail),                   // no client
      line("203.0.113.9  -", plain_tail),         // empty ident
      line("203.0.113.9 - -", R"("GET /a\"b HTTP/1.1" 200 1 "-" "UA")"),   // escaped quote
      line("203.0.113.9 - -", R"("GET /a\\" 200 1 "-" "UA")"),             // escaped backslash
      line("203.0.113.9 - -", R"("GET /a"b HTTP/1.1" 200 1 "-" "UA")"),    // raw quote in the request
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1 "-" "UA \"x\"")"), // escaped quote in the agent
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1 "-" "UA "x" y")"), // raw quotes in the agent
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1 "a" b" "UA")"),    // raw quote in the referer
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1 "-" "UA" 0.123)"), // a field after the agent
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1 "-" "UA")"
                              "\r"),
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1)"),          // a common line
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 20x 1 "-" "UA")"), // bad status
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 2000 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 12a "-" "UA")"), // bad bytes
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200 1 "-" "UA)"),    // cut short
      line("203.0.113.9 - -", R"("GET / HTTP/1.1" 200  "-" "UA")"),    // empty bytes
      // the request, read in one pass when it is plain ("METHOD /path?query HTTP/x")
      line("203.0.113.9 - -", R"("GET /a?b#c HTTP/1.1" 200 1 "-" "UA")"), // '#' in the query: kept
      line("203.0.113.9 - -", R"("GET /a#b?c HTTP/1.1" 200 1 "-" "UA")"), // a fragment in the path
      line("203.0.113.9 - -", R"("GET /a? HTTP/1.1" 200 1 "-" "UA")"),    // an empty query
      line("203.0.113.9 - -", R"("GET /a b HTTP/1.1" 200 1 "-" "UA")"),   // a space in the target
      line("203.0.113.9 - -", R"("GET /a HTTP/1.1 x" 200 1 "-" "UA")"),   // no protocol last
      line("203.0.113.9 - -", R"("GET /a" 200 1 "-" "UA")"),              // no protocol
      line("203.0.113.9 - -", R"("GET  HTTP/1.1" 200 1 "-" "UA")"),       // no target
      line("203.0.113.9 - -", R"("GET HTTP/1.1" 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("OPTIONS * HTTP/1.1" 200 1 "-" "UA")"), // not a path
      line("203.0.113.9 - -", R"("get /a HTTP/1.1" 200 1 "-" "UA")"),    // lower-case method
      line("203.0.113.9 - -", R"("VERYLONGMETHODNAMEOFTWENTYFIVE /a HTTP/1.1" 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET /a HTTP/1.1-and-a-very-long-tail" 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET /a HTTP" 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET /a HTTP/1 1" 200 1 "-" "UA")"), // a space in the protocol's 8 bytes
      line("203.0.113.9 - -", R"("GET /a HTTP/1.1 " 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET /a HTTP/2" 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET /a xHTTP/1.1" 200 1 "-" "UA")"),
      line("203.0.113.9 - -", R"("GET /a?x=1 HTTP/1.1" 200 12345678901234567890 "-" "UA")"), // 20 digits
      line("203.0.113.9 - -", R"("GET /a?x=1 HTTP/1.1" 200 1234567890123456789 "-" "UA")"),  // 19
      "203.0.113.9 - - [20/Nov/2026:08:00:01] \"GET / HTTP/1.1\" 200 1 \"-\" \"UA\"",
      "203.0.113.9 - - [20/Nov/2026:08:00:01 +0100] ] \"GET / HTTP/1.1\" 200 1 \"-\" \"UA\"",
      "203.0.113.9 - - [20/Nov/2026:08:0]:01 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"UA\"",
      "203.0.113.9 - - [32/Nov/2026:08:00:01 +0100] \"GET / HTTP/1.1\" 200 1 \"-\" \"UA\"",
      "203.0.113.9 - -",
      "",
  };
  LogFormat fast = preset("combined");
  LogFormat generic = fast;
  generic.disable_fast_path();
  for (const std::string& l : lines)
    require_same(fast, generic, l);
  // nginx's spelling: " - " is text, so a line with another ident is no line of the format.
  LogFormat nginx = LogFormat::compile(
      R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" )"
      R"("$http_user_agent")");
  LogFormat nginx_generic = nginx;
  nginx_generic.disable_fast_path();
  for (const std::string& l : lines)
    require_same(nginx, nginx_generic, l);
  require_same(nginx, nginx_generic, line("203.0.113.9 ident -", plain_tail));
  SECTION("a plain line takes the fast path") {
    Hit hit;
    CHECK(parse_combined(lines[0], true, hit));
    CHECK(hit.user_agent == "Mozilla/5.0 (iPhone) [FBAN/FBIOS;FBAV/450.0]");
    CHECK(hit.query == "utm_source=whatsapp");
    CHECK_FALSE(parse_combined(lines[6], true, hit)); // the client list
  }
}

TEST_CASE("combined fast path: fields of every length across its 16- and 32-byte steps", "[parse][fast]") {
  // The searches read 16 or 32 bytes at a time, and an agent's last 16 bytes at once: every field
  // below is 0 to 80 bytes long, with a space, a tab, a quote, an escaped quote or a '?' at each
  // place, so that each lands in every position of a step and of the last 16 bytes.
  LogFormat fast = preset("combined");
  LogFormat generic = fast;
  generic.disable_fast_path();
  const std::string request = R"("GET /a HTTP/1.1" 200 1 )";
  const auto fast_path = [](const std::string& l) {
    Hit hit;
    INFO("line: " << l);
    CHECK(parse_combined(l, true, hit)); // not declined: a wrong search would decline and still
                                         // match the generic walker
  };
  for (std::size_t n = 0; n <= 80; ++n) {
    const std::string run(n, 'x');
    fast_path(line("203.0.113.9" + run + " - -", request + R"("-" "UA")"));
    fast_path(line("203.0.113.9 - -", "\"GET /" + run + "?q=1 HTTP/1.1\" 200 1 \"-\" \"UA\""));
    fast_path(line("203.0.113.9 - -", request + "\"https://" + run + "/ ?\" \"UA " + run + " ?\""));
    fast_path(line("203.0.113.9 - -", request + "\"-\" \"" + run + "\""));
    require_same(fast, generic, line("203.0.113.9" + run + " - -", request + R"("-" "UA")"));
    require_same(fast, generic, line("203.0.113.9 - " + run, request + R"("-" "UA")"));
    require_same(fast, generic,
                 line("203.0.113.9 - -", "\"GET /" + run + "?q=1 HTTP/1.1\" 200 1 \"-\" \"UA\""));
    require_same(fast, generic, line("203.0.113.9 - -", "\"GET /" + run + " HTTP/1.1\" 200 1 \"-\" \"UA\""));
    require_same(fast, generic, line("203.0.113.9 - -", request + "\"https://" + run + "/\" \"UA\""));
    require_same(fast, generic, line("203.0.113.9 - -", request + "\"-\" \"" + run + "\""));
    for (const std::string mark : {"\t", " ", "\"", "\\\"", "?", "#"}) {
      const std::string marked = run + mark + "yz";
      require_same(fast, generic, line("203.0.113.9" + marked + " - -", request + R"("-" "UA")"));
      require_same(fast, generic,
                   line("203.0.113.9 - -", "\"GET /" + marked + " HTTP/1.1\" 200 1 \"-\" \"UA\""));
      require_same(fast, generic, line("203.0.113.9 - -", request + "\"" + marked + "\" \"UA\""));
      require_same(fast, generic, line("203.0.113.9 - -", request + "\"-\" \"" + marked + "\""));
      require_same(fast, generic, line("203.0.113.9 - -", request + "\"-\" \"" + run + mark + "\""));
    }
  }
}

TEST_CASE("combined fast path: the same hits on every line of the samples", "[parse][fast]") {
  LogFormat fast = preset("combined");
  LogFormat generic = fast;
  generic.disable_fast_path();
  std::ifstream in(std::string(DARKSCAN_TEST_DATA_DIR) + "/../../samples/combined.log");
  REQUIRE(in);
  std::string l;
  std::size_t lines = 0, taken = 0;
  while (std::getline(in, l)) {
    require_same(fast, generic, l);
    Hit hit;
    taken += parse_combined(l, true, hit);
    ++lines;
  }
  CHECK(lines > 300);
  CHECK(taken * 10 > lines * 9); // most lines of a combined log are plain
}
