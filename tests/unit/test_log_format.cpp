#include <darkscan/common/error.hpp>
#include <darkscan/parse/hit_fields.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>

#include <catch2/catch.hpp>

#include <deque>
#include <string>

using namespace darkscan;

namespace {

LogFormat preset(const char* name) {
  LogFormat f;
  REQUIRE(find_preset(name, f));
  return f;
}

// The Hit's views point into the line: keep every line alive for the test run,
// so that callers may pass temporaries.
std::string_view keep(std::string_view line) {
  static std::deque<std::string> lines;
  lines.emplace_back(line);
  return lines.back();
}

Hit parse_ok(const LogFormat& format, std::string_view text) {
  const std::string_view line = keep(text);
  Hit hit;
  ParseError error;
  INFO(line);
  bool ok = format.parse(line, hit, error);
  INFO("reason: " << error.reason << " at column " << error.column + 1);
  REQUIRE(ok);
  return hit;
}

ParseError parse_fail(const LogFormat& format, std::string_view line) {
  Hit hit;
  ParseError error;
  INFO(line);
  REQUIRE_FALSE(format.parse(line, hit, error));
  return error;
}

constexpr const char* k_combined_line =
    R"(41.58.12.7 - - [20/Nov/2026:08:15:02 +0100] "GET /news/2026/11/lagos-floods-relief-4411?utm_source=whatsapp HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (Linux; Android 13) WhatsApp")";

} // namespace

TEST_CASE("log_format: combined preset", "[log_format]") {
  const LogFormat f = preset("combined");
  const Hit hit = parse_ok(f, k_combined_line);
  CHECK(hit.client == "41.58.12.7");
  CHECK(hit.user == "-");
  CHECK(hit.time == 1795158902); // 2026-11-20T07:15:02Z
  CHECK(hit.method == "GET");
  CHECK(hit.target == "/news/2026/11/lagos-floods-relief-4411?utm_source=whatsapp");
  CHECK(hit.path == "/news/2026/11/lagos-floods-relief-4411");
  CHECK(hit.query == "utm_source=whatsapp");
  CHECK(hit.protocol == "HTTP/1.1");
  CHECK(hit.status == 200);
  CHECK(hit.bytes == 5123);
  CHECK(hit.referer.empty());
  CHECK(hit.user_agent == "Mozilla/5.0 (Linux; Android 13) WhatsApp");
  CHECK(hit.request_valid);

  SECTION("the nginx and apache aliases name the same format") {
    CHECK(preset("nginx").name() == "combined");
    CHECK(preset("APACHE").name() == "combined");
  }
  SECTION("a common line is accepted in a combined log") {
    const Hit h = parse_ok(f, R"(::1 - - [26/Dec/2016:16:16:29 +0200] "GET /favicon.ico HTTP/1.1" 404 209)");
    CHECK(h.client == "::1");
    CHECK(h.status == 404);
    CHECK(h.user_agent.empty());
    CHECK_FALSE(h.has_user_agent); // an unknown agent (a page view), not an empty one (a bot)
    CHECK(parse_ok(f, k_combined_line).has_user_agent);
  }
  SECTION("extra fields after the user agent are accepted") {
    const Hit h = parse_ok(f, std::string(k_combined_line) + R"( "-" 0.012)");
    CHECK(h.bytes == 5123);
  }
  SECTION("but not text glued to the last quote, nor with exact parsing") {
    parse_fail(f, std::string(k_combined_line) + "x");
    Hit h;
    ParseError e;
    CHECK_FALSE(f.parse(std::string(k_combined_line) + R"( "-")", h, e, true));
  }
}

TEST_CASE("log_format: common, vcombined and combined-xff presets", "[log_format]") {
  SECTION("common") {
    const LogFormat f = preset("clf");
    CHECK(f.name() == "common");
    const Hit h = parse_ok(
        f, R"(192.168.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)");
    CHECK(h.user == "frank");
    CHECK(h.time == 971211336);
    CHECK(h.path == "/apache_pb.gif");
    // Common has no trailing fields: a longer line is not silently cut.
    parse_fail(f, R"(192.168.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl")");
  }
  SECTION("vcombined with and without a port") {
    const LogFormat f = preset("vhost_combined");
    Hit h = parse_ok(
        f,
        R"(www.example.com:443 41.58.1.2 - - [20/Nov/2026:06:00:04 +0000] "GET /fr/ HTTP/2.0" 200 1022 "https://www.google.com/" "Mozilla/5.0")");
    CHECK(h.host == "www.example.com");
    CHECK(h.client == "41.58.1.2");
    CHECK(h.referer == "https://www.google.com/");
    h = parse_ok(
        f, R"(www.crowdsec.net 1.2.3.4 - - [08/Jun/2020:08:04:43 +0000] "GET / HTTP/1.1" 500 803 "-" "-")");
    CHECK(h.host == "www.crowdsec.net");
    CHECK(h.user_agent.empty());
    // A plain combined line is not a vcombined line.
    parse_fail(f, k_combined_line);
  }
  SECTION("combined-xff") {
    const LogFormat f = preset("nginx-main-xff");
    CHECK(f.name() == "combined-xff");
    const Hit h = parse_ok(f, std::string(k_combined_line) + R"( "41.58.1.2, 10.0.0.3")");
    CHECK(h.forwarded_for == "41.58.1.2, 10.0.0.3");
    CHECK(parse_ok(f, std::string(k_combined_line) + R"( "-")").forwarded_for.empty());
  }
}

TEST_CASE("log_format: clients", "[log_format]") {
  const LogFormat f = preset("combined");
  const std::string rest =
      R"( - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla/5.0")";
  CHECK(parse_ok(f, "2a02:cf40:10ff:f00f::8000" + rest).client == "2a02:cf40:10ff:f00f::8000");
  CHECK(parse_ok(f, "monitoring-server" + rest).client == "monitoring-server");
  CHECK(parse_ok(f, "10.0.0.2, 10.0.0.1, 127.0.0.1" + rest).client == "10.0.0.2, 10.0.0.1, 127.0.0.1");
  CHECK(parse_ok(f, "unix:" + rest).client == "unix:");
  // Two space-separated tokens are two fields, not one client.
  parse_fail(f, "example.com 10.0.0.2" + rest);
  SECTION("a user name with a space; a client '-' is none (a review)") {
    // Apache and nginx do not escape the space: vcombined read "1.2.3.4 - Jane Doe [" as host
    // 1.2.3.4, client "-".
    const std::string line =
        R"(203.0.113.1 - Jane Doe [10/Mar/2025:13:01:00 +0000] "GET /members/report HTTP/1.1" 200 1 "-" "Mozilla/5.0")";
    Hit h = parse_ok(f, line);
    CHECK(h.client == "203.0.113.1");
    CHECK(h.user == "Jane Doe");
    CHECK(h.path == "/members/report");
    const LogFormat nginx = LogFormat::compile(
        R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent")");
    CHECK(parse_ok(nginx, line).user == "Jane Doe");
    CHECK(parse_fail(preset("vcombined"), line).reason == std::string_view("the client address is empty"));
    CHECK(parse_fail(f, "-" + rest).reason == std::string_view("the client address is empty"));
    // Only after an ident "-": a host, an X-Forwarded-For list and a client read as combined with the
    // host as client, every hit one visitor (a second review, 2026-12-07).
    parse_fail(
        f,
        R"(www.example.com 41.58.1.1, 10.0.0.3 10.0.0.4 - - [20/Nov/2026:08:01:00 +0100] "GET /a HTTP/1.1" )"
        R"(200 100 "-" "Mozilla/5.0")");
  }
}

TEST_CASE("log_format: escapes inside quoted fields", "[log_format]") {
  const LogFormat f = preset("combined");
  SECTION("nginx writes a quote as \\x22") {
    const Hit h = parse_ok(
        f,
        R"(1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] "GET / HTTP/1.1" 200 1 "-" "Mozilla \x22quoted\x22 UA")");
    CHECK(h.user_agent == R"(Mozilla \x22quoted\x22 UA)");
  }
  SECTION("Apache writes \\\" and \\\\") {
    Hit h = parse_ok(
        f, R"(1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] "GET / HTTP/1.1" 200 1 "-" "\"Mozilla/5.0\" x")");
    CHECK(h.user_agent == R"(\"Mozilla/5.0\" x)");
    h = parse_ok(
        f,
        R"(1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] "GET /..\\..\\win.ini HTTP/1.1" 404 1 "-" "ends with backslash\\")");
    CHECK(h.path == R"(/..\\..\\win.ini)");
    CHECK(h.user_agent == R"(ends with backslash\\)");
  }
  SECTION("nginx escape=json writes \\\" too") {
    const Hit h =
        parse_ok(f, R"(1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] "GET / HTTP/1.1" 200 1 "-" "a \"b\" c")");
    CHECK(h.user_agent == R"(a \"b\" c)");
  }
  SECTION("a raw quote (escape=none) that is not followed by the next field stays inside") {
    const LogFormat none = LogFormat::compile(
        R"(log_format raw escape=none '$remote_addr - $remote_user [$time_local] "$request" $status )"
        R"($body_bytes_sent "$http_referer" "$http_user_agent"';)");
    const std::string line =
        R"(1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] "GET / HTTP/1.1" 200 1 "http://x/"a" "UA")";
    const Hit h = parse_ok(none, line);
    CHECK(h.referer == R"(http://x/"a)");
    CHECK(h.user_agent == "UA");
    // nginx's default escaping and Apache's write no raw quote: the line is no line they wrote.
    CHECK(std::string_view(parse_fail(f, line).reason).find("torn write") != std::string_view::npos);
  }
}

TEST_CASE("log_format: two records on one line (a torn write) are one malformed line", "[log_format]") {
  // Each was read as one valid record: the other one lost, the fields wrong (a review, 2026-12-07).
  const std::string a = R"(1.2.3.5 - - [20/Nov/2026:10:00:01 +0000] "GET /fa)";
  const std::string b = R"(5.6.7.8 - - [20/Nov/2026:10:00:02 +0000] "GET /news/b HTTP/1.1" 200 5 "-" )"
                        R"("WhatsApp/2.23.20.0 A")";
  const std::string c = R"(1.2.3.6 - - [20/Nov/2026:10:00:03 +0000] "GET /news/c HTTP/1.1" 200 5 "-" )"
                        R"("Mozilla/5.0 (Linux; Android 12) Chrome/120 Mobil)";
  const std::string d = R"(9.9.9.9 - - [20/Nov/2026:10:00:04 +0000] "GET /news/d HTTP/1.1" 200 5 )"
                        R"("https://www.google.com/" "Mozilla/5.0 (iPhone) Safari/604.1")";
  const LogFormat apache =
      LogFormat::compile(R"(%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\")");
  for (const LogFormat& f : {preset("combined"), preset("vcombined"), apache}) {
    const std::string v = f.name() == "vcombined" ? "example.com:443 " : "";
    for (const std::string& line : {v + a + v + b, v + c + v + d}) {
      INFO(line);
      CHECK(std::string_view(parse_fail(f, line).reason).find("torn write") != std::string_view::npos);
    }
    parse_ok(f, v + b);
    parse_ok(f, v + d);
  }
  SECTION("lines that end in a lone CR, read as one") {
    const std::string reason = parse_fail(preset("combined"), d + "\r" + b + "\r").reason;
    CHECK(reason.find("CR only") != std::string::npos);
  }
}

TEST_CASE("log_format: a target split into path and query at its first '?', a '#' cut from the path",
          "[log_format]") {
  // The split reads 16 bytes at a time: marks at every place of targets of 1 to 40 bytes, against
  // the two find() calls it replaced.
  const auto expected = [](std::string_view t, std::string_view& path, std::string_view& query) {
    const std::size_t q = t.find('?');
    path = t.substr(0, q);
    query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
    if (const std::size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  };
  std::size_t checked = 0, no_query = 0, fragment_first = 0;
  for (std::size_t n = 1; n <= 40; ++n) {
    for (std::size_t i = 1; i <= n + 1; ++i) { // i, j = n + 1: no such mark
      for (std::size_t j = 1; j <= n + 1; ++j) {
        std::string target = "/" + std::string(n, 'a');
        if (i <= n) target[i] = '?';
        if (j <= n && j != i) target[j] = '#';
        no_query += i > n;
        fragment_first += j < i && j <= n;
        Hit hit;
        hit.target = target;
        hit.request_valid = true;
        finish_request(hit);
        std::string_view path, query;
        expected(target, path, query);
        INFO(target);
        CHECK(hit.path == path);
        CHECK(hit.query == query);
        CHECK((hit.query.empty() || hit.query.data() == target.data() + (target.find('?') + 1)));
        ++checked;
      }
    }
  }
  CHECK(checked > 20000);
  CHECK(no_query > 500);        // a '#' alone, or no mark at all
  CHECK(fragment_first > 5000); // "/a#b?c": the path ends at '#', the query after '?'
  Hit absolute;
  absolute.target = "https://www.example.com/a/b?x=1#top";
  absolute.request_valid = true;
  finish_request(absolute);
  CHECK(absolute.path == "/a/b");
  CHECK(absolute.query == "x=1#top");
}

TEST_CASE("log_format: requests that are not METHOD TARGET PROTOCOL", "[log_format]") {
  const LogFormat f = preset("combined");
  auto with_request = [](std::string_view request) {
    return "172.68.244.173 - - [24/Aug/2018:12:14:04 +0000] \"" + std::string(request) +
           "\" 400 173 \"-\" \"-\"";
  };
  SECTION("invalid requests are valid lines") {
    for (const char* request : {R"(\x16\x03\x01\x00\xEC\x01)", "-", "", "hello", "GET", "get / HTTP/1.1",
                                R"(\x16\x03\x01\x01 \x02)", "GET nopath HTTP/1.1"}) {
      const Hit h = parse_ok(f, with_request(request));
      CHECK_FALSE(h.request_valid);
      CHECK(h.status == 400);
      CHECK(h.path.empty());
    }
  }
  SECTION("HTTP/0.9 style bare requests and proxy requests are valid") {
    Hit h = parse_ok(f, with_request("GET /index.html"));
    CHECK(h.request_valid);
    CHECK(h.path == "/index.html");
    CHECK(h.protocol.empty());
    h = parse_ok(f, with_request("GET http://example.com/a/b?c=d HTTP/1.1"));
    CHECK(h.request_valid);
    CHECK(h.path == "/a/b");
    CHECK(h.query == "c=d");
    h = parse_ok(f, with_request("OPTIONS * HTTP/1.1"));
    CHECK(h.request_valid);
  }
  SECTION("a path with a space keeps it") {
    const Hit h = parse_ok(f, with_request("GET /a b HTTP/1.1"));
    CHECK(h.path == "/a b");
  }
}

TEST_CASE("log_format: numbers", "[log_format]") {
  const LogFormat f = preset("combined");
  auto line = [](std::string_view status, std::string_view bytes) {
    return "1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] \"GET / HTTP/1.1\" " + std::string(status) + " " +
           std::string(bytes) + " \"-\" \"-\"";
  };
  CHECK(parse_ok(f, line("304", "-")).bytes == 0);
  CHECK(parse_ok(f, line("206", "7648063")).bytes == 7648063);
  CHECK(parse_fail(f, line("2OO", "1")).reason == std::string("the status is not a 3-digit number"));
  CHECK(parse_fail(f, line("200", "12k")).reason == std::string("the byte count is not a number"));
}

TEST_CASE("log_format: malformed lines", "[log_format]") {
  const LogFormat f = preset("combined");
  SECTION("cut in the middle") {
    const ParseError e = parse_fail(
        f,
        R"(1.2.3.4 - - [20/Nov/2026:08:15:02 +0100] "GET / HTTP/1.1" 200 1 "-" "Mozilla/5.0 (Linux; Andr)");
    CHECK(std::string(e.reason).find("not closed") != std::string::npos);
  }
  SECTION("missing ident and user") {
    const ParseError e = parse_fail(
        f, R"(192.168.202.254 [20/Jul/2009:22:59:29 +0000] "GET /vmw HTTP/1.0" 404 46210 "-" "gPXE/0.9.7")");
    CHECK(e.column == 44); // where " [" was expected after the shifted fields
  }
  SECTION("bad timestamp") {
    const ParseError e =
        parse_fail(f, R"(1.2.3.4 - - [20/Nov/2026:24:61:99 +0100] "GET / HTTP/1.1" 200 1 "-" "-")");
    CHECK(std::string(e.reason).find("timestamp") != std::string::npos);
    CHECK(e.column == 13);
  }
  SECTION("error-log lines and noise") {
    parse_fail(
        f,
        R"(2021/12/01 13:53:33 [error] 31#31: *46 open() failed, client: 172.17.0.1, request: "GET /market/ HTTP/1.1")");
    parse_fail(f, std::string("\xff\xfe\0\0garbage\x01", 13));
    parse_fail(f, "");
  }
}

TEST_CASE("log_format: custom nginx log_format", "[log_format][nginx]") {
  const LogFormat f = LogFormat::compile(
      R"($host $remote_addr [$time_iso8601] "$request" $status $body_bytes_sent $request_time "$http_referer" "$http_user_agent" "$http_x_forwarded_for")");
  CHECK(f.name() == "custom");
  CHECK(f.field_count() == 10);
  const Hit h = parse_ok(
      f,
      R"~(www.example.com 10.0.0.4 [2026-11-20T08:15:02+01:00] "GET /sport/afcon HTTP/2.0" 200 812 0.012 "https://t.co/x" "TelegramBot (like TwitterBot)" "41.58.1.2, 10.0.0.3")~");
  CHECK(h.host == "www.example.com");
  CHECK(h.client == "10.0.0.4");
  CHECK(h.time == 1795158902);
  CHECK(h.duration_us == 12000);
  CHECK(h.referer == "https://t.co/x");
  CHECK(h.forwarded_for == "41.58.1.2, 10.0.0.3");

  SECTION("${var} braces, $msec and separate request parts") {
    const LogFormat g =
        LogFormat::compile(R"(${remote_addr}|$msec|$request_method|$request_uri|$status|$unknown_var)");
    const Hit k = parse_ok(g, "1.2.3.4|1795158902.123|POST|/api/x?y=1|201|whatever");
    CHECK(k.time == 1795158902);
    CHECK(k.method == "POST");
    CHECK(k.path == "/api/x");
    CHECK(k.query == "y=1");
    CHECK(k.request_valid);
  }
  SECTION("a whole log_format directive from nginx.conf") {
    const LogFormat g = LogFormat::compile(
        "log_format main escape=default '$remote_addr - $remote_user [$time_local] \"$request\" '\n"
        "                '$status $body_bytes_sent \"$http_referer\" '\n"
        "                '\"$http_user_agent\" \"$http_x_forwarded_for\"';");
    const Hit k = parse_ok(g, std::string(k_combined_line) + R"( "-")");
    CHECK(k.status == 200);
    CHECK(k.user_agent == "Mozilla/5.0 (Linux; Android 13) WhatsApp");
  }
  SECTION("nginx.conf's escapes, in a pasted log_format line or a bare string (a review)") {
    // \" inside nginx's quotes is a quote (ngx_conf_read_token): no line was read.
    for (
        const char* spec :
        {R"(log_format main '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"';)",
         R"(log_format main "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"";)",
         R"('$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\"')",
         R"($remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\")"}) {
      INFO(spec);
      const Hit k = parse_ok(LogFormat::compile(spec), k_combined_line);
      CHECK(k.path == "/news/2026/11/lagos-floods-relief-4411");
      CHECK(k.user_agent == "Mozilla/5.0 (Linux; Android 13) WhatsApp");
    }
    const LogFormat tabs = LogFormat::compile(R"(log_format tsv '$remote_addr\t$request_uri\t$status';)");
    CHECK(parse_ok(tabs, "1.2.3.4\t/a?b=1\t200").query == "b=1");
  }
  SECTION("$uri and $args") {
    const LogFormat g = LogFormat::compile(R"($remote_addr "$uri" "$args" $status)");
    const Hit k = parse_ok(g, R"(1.2.3.4 "/a/b" "x=1" 200)");
    CHECK(k.path == "/a/b");
    CHECK(k.query == "x=1");
    CHECK(k.request_valid);
  }
}

TEST_CASE("log_format: custom Apache LogFormat", "[log_format][apache]") {
  SECTION("backslash-escaped quotes as written in apache2.conf") {
    const LogFormat f =
        LogFormat::compile(R"(%h %l %u %{sec}t \"%r\" %>s %B %D \"%{Referer}i\" \"%{User-Agent}i\")");
    const Hit h =
        parse_ok(f, R"(69.162.124.190 - - 1795154404 "HEAD / HTTP/1.1" 200 0 3605 "-" "UptimeRobot/2.0")");
    CHECK(h.time == 1795154404);
    CHECK(h.duration_us == 3605);
    CHECK(h.method == "HEAD");
  }
  SECTION("%v:%p, %{msec}t, %U%q, header names in any case") {
    const LogFormat f =
        LogFormat::compile(R"(%v:%p %a %{msec}t "%m %U%q %H" %s %b "%{referer}i" "%{USER-AGENT}i")");
    const Hit h =
        parse_ok(f, R"(example.com:80 1.2.3.4 1795154404123 "GET /a/b?c=d HTTP/1.1" 200 12 "-" "curl/8")");
    CHECK(h.host == "example.com");
    CHECK(h.time == 1795154404);
    CHECK(h.user_agent == "curl/8");
  }
  SECTION("a strftime %{...}t with a space in it") {
    const LogFormat f = LogFormat::compile(R"(%h [%{%d/%b/%Y %H:%M:%S %z}t] "%r" %>s %b)");
    const Hit h = parse_ok(f, R"(1.2.3.4 [20/Nov/2026 08:15:02 +0100] "GET / HTTP/1.1" 200 5)");
    CHECK(h.time == 1795158902);
  }
  SECTION("mod_ssl's %{VAR}x, skipped (Debian's ssl_request_log)") {
    const LogFormat f = LogFormat::compile(R"(%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b)");
    CHECK(
        parse_ok(
            f, R"([20/Nov/2026:10:00:01 +0000] 1.2.3.4 TLSv1.3 TLS_AES_256_GCM_SHA384 "GET /n/a HTTP/1.1" 5)")
            .path == "/n/a");
  }
  SECTION("a whole LogFormat line, and status-conditional modifiers on fields darkscan skips") {
    const LogFormat f = LogFormat::compile(
        R"(LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %!200{Cookie}i" combined)");
    const Hit h = parse_ok(f, std::string(k_combined_line) + " -");
    CHECK(h.status == 200);
    CHECK(h.bytes == 5123);
    CHECK(h.user_agent == "Mozilla/5.0 (Linux; Android 13) WhatsApp");
  }
}

TEST_CASE("log_format: of two fields of one kind, the one that means it is read", "[log_format]") {
  SECTION("the client, not the proxy: $realip_remote_addr and %{c}a") {
    const LogFormat n = LogFormat::compile(
        R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $realip_remote_addr)");
    CHECK(
        parse_ok(n, R"(1.2.3.4 - - [20/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 5 10.0.0.1)").client ==
        "1.2.3.4");
    const LogFormat a = LogFormat::compile(R"(%a %{c}a %l %u %t "%r" %>s %b)");
    CHECK(
        parse_ok(a, R"(5.6.7.8 10.0.0.1 - - [20/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 5)").client ==
        "5.6.7.8");
    const LogFormat only = LogFormat::compile(R"($realip_remote_addr "$request" $status)");
    CHECK(parse_ok(only, R"(10.0.0.1 "GET /a HTTP/1.1" 200)").client == "10.0.0.1");
  }
  SECTION("the final status %>s, before or after %s and %<s") {
    const LogFormat after = LogFormat::compile(R"(%h %t "%r" %>s %b %<s)");
    CHECK(parse_ok(after, R"(1.2.3.4 [20/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 5 302)").status ==
          200);
    const LogFormat before = LogFormat::compile(R"(%h %t "%r" %s %>s %b)");
    CHECK(parse_ok(before, R"(1.2.3.4 [20/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 302 200 5)").status ==
          200);
  }
  SECTION("the request's time, not its end") {
    const LogFormat f = LogFormat::compile(R"(%h %t "%r" %>s %{end:sec}t)");
    CHECK(parse_ok(f, R"(1.2.3.4 [20/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 1795172000)").time ==
          1795168801);
  }
  SECTION("mod_log_config's time in parts: %{...}t.%{msec_frac}t %{%z}t") {
    const LogFormat f = LogFormat::compile(R"(%h [%{%d/%b/%Y:%H:%M:%S}t.%{msec_frac}t %{%z}t] "%r" %>s)");
    CHECK(parse_ok(f, R"(1.2.3.4 [20/Nov/2026:10:00:01.123 +0100] "GET /a HTTP/1.1" 200)").time ==
          1795168801 - 3600);
    CHECK(parse_fail(LogFormat::compile(R"(%h [%{%d/%b/%Y:%H:%M:%S}t %{%z}t] "%r" %>s)"),
                     R"(1.2.3.4 [20/Nov/2026:10:00:01 +01:00x] "GET /a HTTP/1.1" 200)")
              .reason ==
          std::string_view(
              "the timestamp is not in the format's time format, or not a time from 1970 to 9999"));
  }
}

TEST_CASE("log_format: a time logged in parts, the date and the clock apart (a review)", "[log_format]") {
  // The second part was skipped: every line read at midnight.
  const LogFormat f = LogFormat::compile(R"(%h [%{%Y-%m-%d}t] [%{%H:%M:%S %z}t] "%r" %>s)");
  CHECK(parse_ok(f, R"(203.0.113.5 [2025-03-10] [12:00:00 +0100] "GET /a HTTP/1.1" 200)").time == 1741604400);
  SECTION("the clock first, the offset logged after both") {
    const LogFormat g = LogFormat::compile(R"(%h [%{%H:%M:%S}t %{%d/%m/%Y}t %{%z}t] "%r" %>s)");
    CHECK(parse_ok(g, R"(203.0.113.5 [12:00:00 10/03/2025 +0000] "GET /a HTTP/1.1" 200)").time == 1741608000);
  }
  SECTION("two whole times are still one read, one skipped") {
    const LogFormat g = LogFormat::compile(R"(%h [%{%Y-%m-%d %T %z}t] [%{%d/%b/%Y:%T %z}t] "%r" %>s)");
    CHECK(parse_ok(
              g,
              R"(203.0.113.5 [2025-03-10 12:00:00 +0000] [10/Mar/2025:13:00:00 +0000] "GET /a HTTP/1.1" 200)")
              .time == 1741608000);
  }
  SECTION("an offset between the parts is refused") {
    CHECK_THROWS_WITH(LogFormat::compile(R"(%h [%{%Y-%m-%d}t %{%z}t %{%H:%M:%S}t] "%r")"),
                      Catch::Contains("put it after that time"));
  }
}

TEST_CASE("log_format: nginx fields that hold lists or run into the next", "[log_format][nginx]") {
  SECTION("$upstream_* lists: retries and internal redirects") {
    const LogFormat f = LogFormat::compile(
        R"($remote_addr [$time_local] "$request" $status $upstream_response_time "$http_referer" $upstream_addr rt=$request_time)");
    const Hit h = parse_ok(
        f,
        R"(1.2.3.4 [20/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 0.001, 0.002 : 0.003 "https://t.co/x" 10.0.0.1:80, 10.0.0.2:80 rt=0.004)");
    CHECK(h.referer == "https://t.co/x");
    CHECK(h.duration_us == 4000);
  }
  SECTION("an IPv6 client before ':' and its port (a review)") {
    // The client was cut at its first ':': "2001", every IPv6 visitor one.
    const LogFormat f = LogFormat::compile(
        R"($remote_addr:$remote_port [$time_local] "$request" $status "$http_referer" "$http_user_agent")");
    const std::string rest = R"( [10/Mar/2025:12:00:00 +0000] "GET /a HTTP/1.1" 200 "-" "Mozilla/5.0")";
    CHECK(parse_ok(f, "2001:db8:aaaa::1:51000" + rest).client == "2001:db8:aaaa::1");
    CHECK(parse_ok(f, "203.0.113.5:51000" + rest).client == "203.0.113.5");
    const LogFormat a = LogFormat::compile(R"(%a:%{remote}p|%t "%r" %>s)");
    CHECK(parse_ok(a, R"(2001:db8::2:443|[10/Mar/2025:12:00:00 +0000] "GET /a HTTP/1.1" 200)").client ==
          "2001:db8::2");
    const LogFormat v = LogFormat::compile(R"(%v:%p %h %t "%r" %>s)");
    const Hit h =
        parse_ok(v, R"(www.example.com:443 ::1 [10/Mar/2025:12:00:00 +0000] "GET /a HTTP/1.1" 200)");
    CHECK(h.host == "www.example.com");
    CHECK(h.client == "::1");
  }
  SECTION("an unquoted last field that holds spaces takes the rest of the line (a review)") {
    // The agent was cut at its first space: "Mozilla/5.0", a bot.
    const std::string agent = "Mozilla/5.0 (Linux; Android 13; wv) AppleWebKit/537.36 Chrome/120 Mobile "
                              "Safari/537.36 [FB_IAB/Orca-Android;FBAV/441.0.0.23.110;]";
    const LogFormat f =
        LogFormat::compile(R"($remote_addr [$time_local] "$request" $status $http_referer $http_user_agent)");
    const Hit h = parse_ok(f, R"(203.0.113.5 [10/Mar/2025:12:00:00 +0000] "GET /a HTTP/1.1" 200 - )" + agent);
    CHECK(h.user_agent == agent);
    CHECK(h.referer.empty());
    const LogFormat a = LogFormat::compile(R"(%h %t "%r" %>s %{User-Agent}i)");
    CHECK(parse_ok(a, R"(203.0.113.5 [10/Mar/2025:12:00:00 +0000] "GET /a HTTP/1.1" 200 )" + agent)
              .user_agent == agent);
    const LogFormat r = LogFormat::compile(R"($remote_addr $status $request)");
    const Hit k = parse_ok(r, "203.0.113.5 200 GET /a/b?c=1 HTTP/1.1");
    CHECK(k.path == "/a/b");
    CHECK(k.protocol == "HTTP/1.1");
    // Not a path, nor a request of more than three words: what the format leaves out after it (a
    // request time) was taken into every path (a second review, 2026-12-07).
    const LogFormat u = LogFormat::compile(R"($remote_addr $status $uri)");
    CHECK(parse_ok(u, "203.0.113.5 200 /news/a 0.123").path == "/news/a");
    CHECK(parse_ok(r, "203.0.113.5 200 GET /news/a HTTP/1.1 0.123").path != "/news/a HTTP/1.1 0.123");
  }
  SECTION("$time_local out of brackets: two words (a review)") {
    // Every line was malformed: the time was cut at its space.
    const LogFormat f = LogFormat::compile(R"($remote_addr $time_local "$request" $status)");
    const Hit h = parse_ok(f, R"(203.0.113.5 10/Mar/2025:12:00:00 +0100 "GET /a HTTP/1.1" 200)");
    CHECK(h.time == 1741604400);
    CHECK(h.status == 200);
    const LogFormat last = LogFormat::compile(R"($remote_addr "$request" $status $time_local)");
    CHECK(parse_ok(last, R"(203.0.113.5 "GET /a HTTP/1.1" 200 10/Mar/2025:12:00:00 +0100)").time ==
          1741604400);
  }
  SECTION("fields separated by '|' or a tab run up to it, spaces and all (a review)") {
    // No line was read: every field stopped at its first space.
    const LogFormat f =
        LogFormat::compile(R"($remote_addr|$time_local|$request|$status|$http_referer|$http_user_agent)");
    const Hit h =
        parse_ok(f, "203.0.113.5|10/Mar/2025:12:00:00 +0100|GET /a?b=1 HTTP/1.1|200|-|Mozilla/5.0 (X11) x");
    CHECK(h.time == 1741604400);
    CHECK(h.path == "/a");
    CHECK(h.query == "b=1");
    CHECK(h.status == 200);
    CHECK(h.user_agent == "Mozilla/5.0 (X11) x");
    const LogFormat t = LogFormat::compile("$remote_addr\t$time_local\t$request\t$status\t$http_user_agent");
    const Hit k =
        parse_ok(t, "203.0.113.5\t10/Mar/2025:12:00:00 +0100\tGET /a HTTP/1.1\t200\tMozilla/5.0 (X11) x");
    CHECK(k.path == "/a");
    CHECK(k.user_agent == "Mozilla/5.0 (X11) x");
  }
  SECTION("$uri$is_args$args and $scheme://$host$request_uri") {
    const LogFormat f =
        LogFormat::compile(R"($remote_addr "$request_method $uri$is_args$args $server_protocol" $status)");
    const Hit h = parse_ok(f, R"(1.2.3.4 "GET /a/b?x=1 HTTP/1.1" 200)");
    CHECK(h.path == "/a/b");
    CHECK(h.query == "x=1");
    CHECK(parse_ok(f, R"(1.2.3.4 "GET /a/b HTTP/1.1" 200)").query.empty());
    const LogFormat g = LogFormat::compile(
        R"($remote_addr "$request_method $scheme://$host$request_uri $server_protocol" $status)");
    const Hit k = parse_ok(g, R"(1.2.3.4 "GET https://news.example/a/b?x=1 HTTP/1.1" 200)");
    CHECK(k.host == "news.example");
    CHECK(k.path == "/a/b");
    CHECK(k.query == "x=1");
  }
}

TEST_CASE("log_format: format strings that cannot work are refused", "[log_format][errors]") {
  auto message = [](std::string_view spec) {
    try {
      LogFormat::compile(spec);
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::usage);
      return std::string(e.what());
    }
    FAIL("compiled: " << spec);
    return std::string();
  };
  CHECK_THAT(message(""), Catch::Contains("empty"));
  CHECK_THAT(message("   "), Catch::Contains("empty"));
  CHECK_THAT(message("just text"), Catch::Contains("no fields"));
  CHECK_THAT(message("$remote_addr ${request"), Catch::Contains("never closed"));
  CHECK_THAT(message(R"(%h %{Referer "%r")"), Catch::Contains("never closed"));
  CHECK_THAT(message(R"(%h %Z "%r")"), Catch::Contains("unknown Apache directive '%Z' at column 4"));
  CHECK_THAT(message(R"($remote_addr$remote_user "$request")"), Catch::Contains("nothing between them"));
  CHECK_THAT(message(R"($remote_addr [$time_local] $status)"), Catch::Contains("requested page"));
  CHECK_THAT(message(R"(%h "%r" %{%Q}t)"), Catch::Contains("'%Q' is not supported"));
  CHECK_THAT(message("log_format main '$remote_addr \"$request\""), Catch::Contains("unbalanced"));
  CHECK_THAT(message(R"(%h %t "%r" %>s %b "%{Referer}i)"), Catch::Contains("does not close"));
  CHECK_THAT(message(R"($remote_addr "$request" "$http_referer)"), Catch::Contains("does not close"));
  CHECK_THAT(message(R"(%h %{%z}t %t "%r")"), Catch::Contains("put it after that time"));
  CHECK_THAT(message(R"(%h %t %{%z}t "%r")"), Catch::Contains("which has its own"));
  CHECK_THAT(message(R"(%h %{sec}t %{%z}t "%r")"), Catch::Contains("which has its own"));
  // A field logged only for some statuses is "-" for the others: no referrer, no agent (a review).
  CHECK_THAT(message(R"(%h %t "%r" %>s "%404{Referer}i")"),
             Catch::Contains("'%404{Referer}i' at column 17 logs its value only for some statuses") &&
                 Catch::Contains("log '%{Referer}i' instead"));
  CHECK_THAT(message(R"(%h %t "%r" %>s "%!200,304{User-Agent}i")"), Catch::Contains("log '%{User-Agent}i'"));
  CHECK_THAT(message(R"(%h %t "%400,501r" %>s)"), Catch::Contains("log '%r' instead"));
  CHECK_THAT(message(R"(%h %t "%r" %!200>s)"), Catch::Contains("log '%>s' instead"));
  CHECK_THAT(message(R"(%h [%{%d/%b/%Y:%T %z}t %{%z}t] "%r")"), Catch::Contains("which has its own"));
  try {
    resolve_format("combinedd");
    FAIL("an unknown preset name was accepted");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("unknown preset 'combinedd'"));
  }
}
