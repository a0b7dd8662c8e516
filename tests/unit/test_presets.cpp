#include <darkscan/common/error.hpp>
#include <darkscan/parse/presets.hpp>

#include <catch2/catch.hpp>

using namespace darkscan;

namespace {

const std::string k_combined =
    R"(41.58.12.7 - - [20/Nov/2026:08:15:02 +0100] "GET /a HTTP/1.1" 200 5123 "https://www.google.com/" "Mozilla/5.0")";
const std::string k_common = R"(41.58.12.7 - - [20/Nov/2026:08:15:02 +0100] "GET /a HTTP/1.1" 200 5123)";
const std::string k_vhost = "www.example.com:443 " + k_combined;
const std::string k_xff = k_combined + R"( "41.58.1.2, 10.0.0.3")";

std::string detected(const std::vector<std::string>& sample) {
  return detect_formats(sample, "test.log").front().name();
}

} // namespace

TEST_CASE("presets: detection picks the format that fits", "[presets]") {
  CHECK(detected({k_combined, k_combined}) == "combined");
  CHECK(detected({k_common, k_common}) == "common");
  CHECK(detected({k_vhost, k_vhost}) == "vcombined");
  CHECK(detected({k_xff, k_xff}) == "combined-xff");
  SECTION("empty lines and a few bad ones do not change the choice") {
    CHECK(detected({"", k_xff, "garbage", k_xff, ""}) == "combined-xff");
  }
  SECTION("a mix of common and combined lines is read as combined") {
    CHECK(detected({k_common, k_combined, k_common}) == "combined");
  }
  SECTION("the other presets follow as fall-backs for mixed files") {
    const auto formats = detect_formats({k_combined, k_vhost, k_combined}, "mixed.log");
    CHECK(formats.front().name() == "combined");
    CHECK(formats.size() == presets().size());
  }
  SECTION("5 requests read whole decide, whatever the rest of the sample is") {
    // 30 error-log lines of 50 made the file "an nginx error log": its 4,970 requests were dropped
    // (a review, 2026-12-07).
    std::vector<std::string> sample(30, "2026/11/20 08:15:02 [error] 31#31: *46 connect() failed");
    sample.insert(sample.end(), 20, k_combined);
    CHECK(detected(sample) == "combined");
    std::vector<std::string> few(45, "garbage");
    few.insert(few.end(), 5, k_combined);
    CHECK(detected(few) == "combined");
    few[45] = "garbage"; // 4 requests of 50: not enough
    CHECK_THROWS_AS(detected(few), Error);
  }
  SECTION("user names with a space are combined, not vcombined with a client '-' (a review)") {
    std::vector<std::string> sample;
    for (const char* user : {"Jane Doe", "John Smith", "A B C", "-"})
      sample.push_back("203.0.113.7 - " + std::string(user) +
                       R"( [10/Mar/2025:13:01:00 +0000] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0")");
    const auto formats = detect_formats(sample, "users.log");
    CHECK(formats.front().name() == "combined");
    for (const std::string& line : sample) {
      Hit hit;
      ParseError error;
      REQUIRE(formats.front().parse(line, hit, error));
      CHECK(hit.client == "203.0.113.7");
    }
  }
  SECTION("an empty sample falls back to the most common format") {
    CHECK(detect_formats({}, "empty.log").front().name() == "combined");
    CHECK(detect_formats({"", ""}, "empty.log").front().name() == "combined");
  }
}

TEST_CASE("presets: an unknown format is explained", "[presets]") {
  const std::vector<std::string> sample = {"2026/11/20 08:15:02 [error] 31#31: *46 open() failed",
                                           "{\"time\":\"2026-11-20\",\"path\":\"/\"}", k_combined};
  try {
    detect_formats(sample, "odd.log");
    FAIL("an unknown format was accepted");
  } catch (const Error& e) {
    const std::string msg = e.what();
    CHECK(e.code() == ExitCode::input_failed);
    CHECK_THAT(msg, Catch::Contains("'odd.log'"));
    CHECK_THAT(msg, Catch::Contains("1 of its first 3 lines"));
    CHECK_THAT(msg, Catch::Contains("line 1 is not combined"));
    CHECK_THAT(msg, Catch::Contains("--log-format"));
  }
}

TEST_CASE("presets: a tar archive and a UTF-16 log are named as such (a review)", "[presets]") {
  const auto message_of = [](const std::vector<std::string>& sample) {
    try {
      detect_formats(sample, "x.log");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::input_failed);
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  // A tar header: the member's name, NULs, "ustar" at byte 257; then the log it holds.
  std::string header = "access.log";
  header.resize(257, '\0');
  header += std::string("ustar\0"
                        "00",
                        8);
  header.resize(512, '\0');
  std::vector<std::string> tar(20, k_combined);
  tar.front() = header + k_combined;
  CHECK_THAT(message_of(tar), Catch::Contains("'x.log' is a tar archive") && Catch::Contains("tar -xOf"));
  // UTF-16, little-endian with its byte-order mark, and big-endian without one.
  std::string le = "\xFF\xFE", be;
  for (const char c : k_combined) {
    le += c, le += '\0';
    be += '\0', be += c;
  }
  CHECK_THAT(message_of({le, le.substr(2), le.substr(2)}),
             Catch::Contains("is in UTF-16") && Catch::Contains("iconv"));
  CHECK_THAT(message_of({be, be, be}), Catch::Contains("is in UTF-16"));
  // NUL bytes at random are no UTF-16: a binary file.
  CHECK_THAT(message_of({std::string("\0\0\0abc\0defg\0\0\0hi", 17)}), Catch::Contains("holds NUL bytes"));
}

TEST_CASE("presets: names and aliases", "[presets]") {
  LogFormat f;
  for (const Preset& p : presets()) {
    CHECK(find_preset(p.name, f));
    CHECK(f.name() == p.name);
  }
  CHECK(find_preset("COMBINED", f));
  CHECK(find_preset("vhost_combined", f));
  CHECK(f.name() == "vcombined");
  CHECK_FALSE(find_preset("main", f));
  CHECK(resolve_format("clf").name() == "common");
  CHECK(resolve_format("$remote_addr \"$request\"").name() == "custom");
}

TEST_CASE("presets: JSON lines are recognised by their keys", "[presets][json]") {
  const std::string caddy =
      R"({"level":"info","ts":1795158902.52,"logger":"http.log.access","msg":"handled request",)"
      R"("request":{"remote_ip":"41.58.12.7","client_ip":"41.58.12.7","proto":"HTTP/2.0","method":"GET",)"
      R"("host":"www.example.com","uri":"/a?b=1","headers":{"User-Agent":["Mozilla/5.0"]}},)"
      R"("duration":0.0012,"size":5123,"status":200})";
  const std::string traefik =
      R"({"ClientAddr":"41.58.12.7:52345","ClientHost":"41.58.12.7","DownstreamContentSize":5123,)"
      R"("DownstreamStatus":200,"Duration":1286460,"RequestHost":"www.example.com","RequestMethod":"GET",)"
      R"("RequestPath":"/a?b=1","RequestProtocol":"HTTP/1.1","StartUTC":"2026-11-20T07:15:02.123456789Z",)"
      R"("level":"info","msg":"","time":"2026-11-20T08:15:02+01:00","request_User-Agent":"Mozilla/5.0"})";
  const std::string cloudflare =
      R"({"ClientIP":"41.58.12.7","ClientRequestHost":"www.example.com","ClientRequestMethod":"GET",)"
      R"("ClientRequestURI":"/a?b=1","ClientRequestReferer":"","ClientRequestUserAgent":"Mozilla/5.0",)"
      R"("EdgeResponseBytes":5123,"EdgeResponseStatus":200,"EdgeStartTimestamp":1795158902000000000,"RayID":"1"})";
  const std::string nginx =
      R"({"time_local":"20/Nov/2026:08:15:02 +0100","remote_addr":"41.58.12.7","request":"GET /a?b=1 HTTP/1.1",)"
      R"("status":"200","body_bytes_sent":"5123","http_referer":"","http_user_agent":"Mozilla/5.0"})";
  CHECK(detected({caddy, caddy}) == "caddy");
  CHECK(detected({traefik, traefik}) == "traefik-json");
  CHECK(detected({cloudflare, cloudflare}) == "cloudflare");
  CHECK(detected({nginx, nginx}) == "nginx-json");
  SECTION("records of another kind among them do not change the choice") {
    const std::string start = R"({"level":"info","ts":1795154400.1,"msg":"serving initial configuration"})";
    CHECK(detected({start, caddy, start, caddy}) == "caddy");
  }
  SECTION("one record with a bad value does not hand the file to a preset that reads none of it") {
    // A review, 2026-12-06: caddy read every nginx record as "not a request", 11 lines to 10.
    std::string bad = nginx;
    bad.replace(bad.find("\"200\""), 5, "\"abc\"");
    CHECK(detected({nginx, nginx, bad, nginx}) == "nginx-json");
    const std::string bad_caddy = std::string(caddy).replace(caddy.find(":200}"), 5, ":\"abc\"}");
    CHECK(detected({caddy, bad_caddy, caddy}) == "caddy");
  }
  SECTION("a combined log is not taken for JSON") { CHECK(detected({k_combined, k_combined}) == "combined"); }
  SECTION("every preset reads the same request the same way") {
    for (const std::string* line : {&caddy, &traefik, &cloudflare, &nginx}) {
      const LogFormat f = detect_formats({*line}, "x.log").front();
      Hit hit;
      ParseError error;
      REQUIRE(f.parse(*line, hit, error));
      CHECK(hit.client == "41.58.12.7");
      CHECK(hit.path == "/a");
      CHECK(hit.query == "b=1");
      CHECK(hit.status == 200);
      CHECK(hit.bytes == 5123);
      CHECK(hit.user_agent == "Mozilla/5.0");
      CHECK(hit.time == 1795158902);
      CHECK(hit.request_valid);
    }
  }
}

TEST_CASE("presets: W3C logs are read with their own #Fields", "[presets][w3c]") {
  const std::vector<std::string> iis = {
      "#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0",
      "#Fields: date time c-ip cs-method cs-uri-stem cs(User-Agent) sc-status",
      "2026-11-20 07:15:02 41.58.12.7 GET /a Mozilla/5.0+(Linux) 200"};
  const auto formats = detect_formats(iis, "u_ex261120.log");
  CHECK(formats.front().name() == "w3c");
  Hit hit;
  ParseError error;
  REQUIRE(formats.front().parse(iis[3], hit, error));
  CHECK(hit.user_agent == "Mozilla/5.0 (Linux)");
  CHECK(hit.status == 200);
  CHECK_FALSE(hit.has_referer);
  SECTION("a CloudFront header names CloudFront") {
    const std::vector<std::string> cf = {
        "#Version: 1.0", "#Fields: date time c-ip cs-method cs-uri-stem sc-status x-edge-location",
        "2026-11-20\t07:15:02\t41.58.12.7\tGET\t/a\t200\tLOS50-P1"};
    CHECK(detect_formats(cf, "E2ABC.2026-11-20-07.abcd.gz").front().name() == "cloudfront");
  }
}
