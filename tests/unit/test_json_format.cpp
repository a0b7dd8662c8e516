#include <darkscan/common/error.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace darkscan;

namespace {

LogFormat preset(const char* name) {
  LogFormat f;
  REQUIRE(find_preset(name, f));
  return f;
}

} // namespace

TEST_CASE("json_format: Caddy", "[json_format]") {
  const LogFormat f = preset("caddy");
  Hit hit;
  ParseError error;
  const std::string line =
      R"({"level":"info","ts":1795154404.5241024,"logger":"http.log.access.log0","msg":"handled request",)"
      R"("request":{"remote_ip":"10.0.0.9","remote_port":"41342","client_ip":"41.58.12.7","proto":"HTTP/2.0",)"
      R"("method":"GET","host":"www.example.com:443","uri":"/news/a?utm_source=whatsapp\u0026x=\"1\"",)"
      R"("headers":{"User-Agent":["Mozilla/5.0 (iPhone) [FBAN/FBIOS]","second"],"Accept":["*/*"]}},)"
      R"("bytes_read":0,"user_id":"","duration":0.25,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"]}})";
  REQUIRE(f.parse(line, hit, error));
  CHECK(hit.client == "41.58.12.7"); // client_ip (after trusted proxies) before remote_ip
  CHECK(hit.time == 1795154404);
  CHECK(hit.method == "GET");
  CHECK(hit.path == "/news/a");
  CHECK(hit.query == R"(utm_source=whatsapp&x="1")"); // JSON escapes undone
  CHECK(hit.protocol == "HTTP/2.0");
  CHECK(hit.host == "www.example.com");
  CHECK(hit.user_agent == "Mozilla/5.0 (iPhone) [FBAN/FBIOS]"); // the first value of the array
  CHECK(hit.referer.empty());
  CHECK(hit.has_referer); // headers are logged: no Referer key means the request had none
  CHECK(hit.has_user_agent);
  CHECK(hit.status == 200);
  CHECK(hit.bytes == 10900);
  CHECK(hit.duration_us == 250000);
  CHECK(hit.request_valid);

  SECTION("older Caddy: remote_addr with its port") {
    const std::string old =
        R"({"ts":1795154404,"request":{"remote_addr":"[2c0f:f248::1]:5678","method":"GET",)"
        R"("uri":"/a","headers":{}},"status":304,"size":0})";
    REQUIRE(f.parse(old, hit, error));
    CHECK(hit.client == "2c0f:f248::1");
    CHECK(hit.status == 304);
  }
  SECTION("without the headers object, referrer and agent are unknown, not empty") {
    const std::string bare =
        R"({"ts":1795154404,"request":{"remote_ip":"41.58.12.7","method":"GET","uri":"/a"},"status":200})";
    REQUIRE(f.parse(bare, hit, error));
    CHECK_FALSE(hit.has_referer);
    CHECK_FALSE(hit.has_user_agent);
  }
  SECTION("a record of another kind is not a request, and not malformed") {
    CHECK_FALSE(
        f.parse(R"({"level":"info","ts":1795154400.1,"msg":"serving initial configuration"})", hit, error));
    CHECK(error.not_a_record);
  }
}

TEST_CASE("json_format: Traefik, Cloudflare and nginx escape=json", "[json_format]") {
  Hit hit;
  ParseError error;
  SECTION("Traefik: headers only when kept, nanosecond durations") {
    const LogFormat f = preset("traefik-json");
    const std::string kept =
        R"({"ClientAddr":"41.58.12.7:52345","ClientHost":"41.58.12.7","DownstreamContentSize":19,)"
        R"("DownstreamStatus":404,"Duration":1286460,"RequestMethod":"GET","RequestPath":"/foo?bar=1\u0026b=2",)"
        R"("RequestProtocol":"HTTP/1.1","StartUTC":"2026-11-20T07:15:02.987654321Z","request_User-Agent":"curl/8.0"})";
    REQUIRE(f.parse(kept, hit, error));
    CHECK(hit.time == 1795158902);
    CHECK(hit.duration_us == 1286);
    CHECK(hit.query == "bar=1&b=2");
    CHECK(hit.status == 404);
    CHECK(hit.user_agent == "curl/8.0");
    CHECK(hit.has_referer); // request_ headers are logged: the request had no Referer
    const std::string slow = R"({"ClientHost":"41.58.12.7","DownstreamStatus":200,"Duration":2500000000,)"
                             R"("RequestMethod":"GET","RequestPath":"/a"})";
    REQUIRE(f.parse(slow, hit, error)); // over a second: past 10^9 nanoseconds
    CHECK(hit.duration_us == 2500000);
    const std::string dropped = R"({"ClientHost":"41.58.12.7","DownstreamStatus":200,"RequestMethod":"GET",)"
                                R"("RequestPath":"/a","StartUTC":"2026-11-20T07:15:02Z"})";
    REQUIRE(f.parse(dropped, hit, error));
    CHECK_FALSE(hit.has_referer);
    CHECK_FALSE(hit.has_user_agent);
    // Traefik's "redact" mode: the header is not logged (a review, 2026-12-07: a referral, a bot)
    const std::string redacted = R"({"ClientHost":"41.58.12.7","DownstreamStatus":200,"RequestMethod":"GET",)"
                                 R"("RequestPath":"/a","StartUTC":"2026-11-20T07:15:02Z",)"
                                 R"("request_User-Agent":"curl/8.0","request_Referer":"REDACTED"})";
    REQUIRE(f.parse(redacted, hit, error));
    CHECK_FALSE(hit.has_referer);
    CHECK(hit.referer.empty());
    CHECK(hit.user_agent == "curl/8.0");
    const std::string both =
        R"({"ClientHost":"41.58.12.7","DownstreamStatus":200,"RequestMethod":"GET",)"
        R"("RequestPath":"/a","request_User-Agent":"REDACTED","request_Referer":"REDACTED"})";
    REQUIRE(f.parse(both, hit, error));
    CHECK_FALSE(hit.has_user_agent);
    CHECK(hit.user_agent.empty());
  }
  SECTION("Cloudflare: unix nanoseconds, RFC 3339 or seconds") {
    const LogFormat f = preset("cloudflare");
    for (const char* ts : {"1795158902000000000", "\"2026-11-20T08:15:02+01:00\"", "1795158902"}) {
      const std::string line =
          std::string(R"({"ClientIP":"41.58.12.7","ClientRequestMethod":"GET",)") +
          R"("ClientRequestURI":"/a","ClientRequestReferer":"https://l.facebook.com/",)" +
          R"("EdgeResponseStatus":200,"EdgeStartTimestamp":)" + ts + "}";
      REQUIRE(f.parse(line, hit, error));
      CHECK(hit.time == 1795158902);
      CHECK(hit.referer == "https://l.facebook.com/");
      CHECK_FALSE(hit.has_user_agent); // the Logpush job did not ask for ClientRequestUserAgent
    }
  }
  SECTION("nginx escape=json: strings everywhere, CLF time, the request line") {
    const LogFormat f = preset("nginx-json");
    const std::string line =
        R"({"time_local":"20/Nov/2026:08:15:02 +0100","remote_addr":"41.58.12.7","remote_user":"",)"
        R"("request":"GET /a?b=1 HTTP/1.1","status": "200","body_bytes_sent":"5123","request_time":"0.004",)"
        R"("http_referer":"","http_user_agent":"Mozilla/5.0 \"quoted\" \\ end"})";
    REQUIRE(f.parse(line, hit, error));
    CHECK(hit.time == 1795158902);
    CHECK(hit.path == "/a");
    CHECK(hit.referer.empty());
    CHECK(hit.has_referer);
    CHECK(hit.user_agent == R"(Mozilla/5.0 "quoted" \ end)");
    CHECK(hit.duration_us == 4000);
  }
  SECTION(
      "nginx escape=json: a TLS handshake or '-' as the request is an invalid request, not another record") {
    const LogFormat f = preset("nginx-json");
    for (const char* request : {R"(\u0016\u0003\u0001\u0000)", "-", "hello"}) {
      INFO(request);
      const std::string line =
          std::string(R"({"time_local":"20/Nov/2026:08:15:02 +0100","remote_addr":"1.2.3.4",)") +
          R"("request":")" + request + R"(","status":"400","http_referer":"","http_user_agent":""})";
      error = {};
      REQUIRE(f.parse(line, hit, error));
      CHECK_FALSE(hit.request_valid);
    }
  }
}

TEST_CASE("json_format: bad input is malformed, never a crash", "[json_format]") {
  const LogFormat f = preset("nginx-json");
  Hit hit;
  ParseError error;
  const std::string good = R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1","status":"200"})";
  REQUIRE(f.parse(good, hit, error));
  for (
      const std::string& bad : std::vector<std::string>{
          R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1","sta)", // cut short
          R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1"} trailing)", R"([1,2,3])",
          R"("just a string")", "{", "}", std::string("\0\1\2\x80\xff", 5),
          R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1","status":"2x0"})",
          R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1","status":"200","time_local":"yesterday"})",
          R"({"remote_addr":"41.58.12.7","request":"GET /a\q HTTP/1.1"})", // an unknown escape
      }) {
    INFO(bad);
    error = {};
    CHECK_FALSE(f.parse(bad, hit, error));
    CHECK_FALSE(error.not_a_record);
    CHECK(std::string(error.reason).size() > 0);
  }
  SECTION("bytes that are not UTF-8 are kept as nginx wrote them") {
    const std::string latin1 =
        "{\"remote_addr\":\"41.58.12.7\",\"request\":\"GET /a HTTP/1.1\",\"http_user_agent\":"
        "\"caf\xe9 browser\"}";
    REQUIRE(f.parse(latin1, hit, error));
    CHECK(hit.user_agent == "caf\xe9 browser");
  }
  SECTION("an empty better key does not clear what a worse one gave") {
    const std::string line =
        R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1","referer":"https://x.example/",)"
        R"("http_referer":""})";
    REQUIRE(f.parse(line, hit, error));
    CHECK(hit.referer == "https://x.example/");
  }
  SECTION("deep nesting is skipped, not recursed into") {
    std::string deep = R"({"remote_addr":"41.58.12.7","request":"GET /a HTTP/1.1","x":)";
    deep += std::string(500, '[') + std::string(500, ']') + "}";
    CHECK(f.parse(deep, hit, error));
  }
}

TEST_CASE("json_format: unescaped values stay valid in the caller's room", "[json_format]") {
  const LogFormat f = preset("nginx-json");
  const std::string a =
      R"({"remote_addr":"1.1.1.1","request":"GET /a HTTP/1.1","http_user_agent":"A\u0041"})";
  const std::string b =
      R"({"remote_addr":"2.2.2.2","request":"GET /b HTTP/1.1","http_user_agent":"B\u0042"})";
  std::vector<char> bytes(a.size() + b.size());
  util::Scratch room(bytes.data(), bytes.size());
  Hit first, second;
  ParseError error;
  std::size_t fields = 0;
  REQUIRE(f.parse(a, first, error, false, fields, &room));
  REQUIRE(f.parse(b, second, error, false, fields, &room));
  CHECK(first.user_agent == "AA"); // not overwritten by the second line
  CHECK(second.user_agent == "BB");
}

TEST_CASE("json_format: key maps", "[json_format]") {
  const LogFormat f = LogFormat::compile("json: t=time req.url=target req.ua=user_agent ip=client:port");
  CHECK(f.syntax() == LogFormat::Syntax::json);
  Hit hit;
  ParseError error;
  REQUIRE(f.parse(R"({"ip":"41.58.12.7:80","t":"2026-11-20T07:15:02Z","req":{"url":"/x","ua":"UA"}})", hit,
                  error));
  CHECK(hit.client == "41.58.12.7");
  CHECK(hit.path == "/x");
  CHECK(hit.user_agent == "UA");
  for (const char* bad : {"json: ", "json: a", "json: a=nothing", "json: a=duration:h",
                          "json: a=client a=host", "json: a=client a.b=host"}) {
    INFO(bad);
    CHECK_THROWS_AS(LogFormat::compile(bad), Error);
  }
}
