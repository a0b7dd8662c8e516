#include <darkscan/error.hpp>
#include <darkscan/presets.hpp>

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
  SECTION("an empty sample falls back to the first preset") {
    CHECK_NOTHROW(detect_formats({}, "empty.log"));
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
