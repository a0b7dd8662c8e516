#include "temp_dir.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/scan/scan.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace darkscan;

namespace {

std::string line(const std::string& path, int second = 2) {
  return "41.58.12.7 - - [20/Nov/2026:08:15:0" + std::to_string(second) + " +0100] \"GET " + path +
         " HTTP/1.1\" 200 5 \"-\" \"Mozilla/5.0\"\n";
}

struct Run {
  std::map<std::string, int> pages; // hits with a valid request, by path
  std::vector<std::string> errors;
  ScanTotals totals;
};

class Sink final : public HitSink {
public:
  explicit Sink(std::map<std::string, int>& pages) : m_pages(pages) {}
  void add(const Hit& hit) override {
    if (hit.request_valid) ++m_pages[std::string(hit.path)];
  }

private:
  std::map<std::string, int>& m_pages;
};

Run scan(const std::vector<std::string>& paths, ScanOptions options = {}) {
  Run run;
  Sink sink(run.pages);
  Scanner scanner(std::move(options), sink, [&](const std::string& m) { run.errors.push_back(m); });
  for (const auto& p : paths)
    scanner.scan(p);
  run.totals = scanner.totals();
  return run;
}

} // namespace

TEST_CASE("scan: counts, time span and pages over several files", "[scan]") {
  test::TempDir dir;
  const std::string a = dir.write("a.log", line("/x", 1) + line("/y?utm_source=whatsapp", 2) + "\n");
  const std::string b = dir.write("b.log", line("/x", 9) + "this is not a log line\n" + line("/x", 5));
  const Run run = scan({a, b});
  CHECK(run.errors.empty());
  CHECK(run.totals.status == ExitCode::ok);
  CHECK(run.totals.lines == 6);
  CHECK(run.totals.parsed == 4);
  CHECK(run.totals.empty == 1);
  CHECK(run.totals.malformed == 1);
  REQUIRE(run.totals.examples.size() == 1);
  CHECK(run.totals.examples[0].file == b);
  CHECK(run.totals.examples[0].line == 2);
  CHECK(run.totals.first_time == 1795158901);
  CHECK(run.totals.last_time == 1795158909);
  REQUIRE(run.totals.inputs.size() == 2);
  CHECK(run.totals.inputs[0].format == "combined");
  CHECK(run.totals.inputs[1].lines == 3);
  CHECK(run.pages == std::map<std::string, int>{{"/x", 3}, {"/y", 1}});
}

TEST_CASE("scan: only the first malformed lines are kept, all are counted", "[scan]") {
  test::TempDir dir;
  std::string content = line("/ok");
  for (int i = 0; i < 25; ++i)
    content += "bad line " + std::to_string(i) + "\n";
  const Run run =
      scan({dir.write("bad.log", content + line("/ok"))}, ScanOptions{resolve_format("combined")});
  CHECK(run.totals.malformed == 25);
  CHECK(run.totals.parsed == 2);
  REQUIRE(run.totals.examples.size() == 10);
  CHECK(run.totals.examples.back().line == 11);
}

TEST_CASE("scan: an unreadable input is reported and the others are read", "[scan]") {
  test::TempDir dir;
  const std::string good = dir.write("good.log", line("/x"));
  const Run run = scan({dir.path("missing.log"), good});
  REQUIRE(run.errors.size() == 1);
  CHECK_THAT(run.errors[0], Catch::Contains("cannot open"));
  CHECK(run.totals.status == ExitCode::input_failed);
  CHECK(run.totals.parsed == 1);
  CHECK(run.totals.inputs[0].error.local == run.errors[0]);
}

TEST_CASE("scan: an input of unknown format is reported and skipped", "[scan]") {
  test::TempDir dir;
  const Run run = scan({dir.write("odd.log", "hello\nworld\n"), dir.write("good.log", line("/x"))});
  REQUIRE(run.errors.size() == 1);
  CHECK_THAT(run.errors[0], Catch::Contains("cannot recognise the log format"));
  CHECK(run.totals.status == ExitCode::input_failed);
  CHECK(run.totals.parsed == 1);
}

TEST_CASE("scan: --strict stops at the first malformed line", "[scan]") {
  test::TempDir dir;
  ScanOptions options;
  options.strict = true;
  const std::string path = dir.write("bad.log", line("/x") + "garbage\n" + line("/y"));
  try {
    scan({path}, options);
    FAIL("no error under --strict");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::data);
    CHECK_THAT(std::string(e.what()), Catch::StartsWith(path + ":2: "));
  }
}

TEST_CASE("scan: overlong lines are counted as malformed and the next line is read", "[scan]") {
  test::TempDir dir;
  ScanOptions options;
  options.max_line = 1000;
  const Run run =
      scan({dir.write("long.log", line("/a") + line("/" + std::string(5000, 'z')) + line("/b"))}, options);
  CHECK(run.totals.overlong == 1);
  CHECK(run.totals.malformed == 1);
  CHECK(run.totals.parsed == 2);
  CHECK_THAT(run.totals.examples.at(0).reason.en, Catch::Contains("longer than 1000 bytes"));
}

TEST_CASE("scan: a mixed file uses the other presets for lines of their exact shape", "[scan]") {
  test::TempDir dir;
  const std::string vhost = "www.example.com:443 " + line("/v");
  const std::string cut = line("/c").substr(0, 60) + "\n";
  const Run run = scan({dir.write("mixed.log", line("/a") + line("/b") + vhost + cut)});
  CHECK(run.totals.inputs[0].format == "combined");
  CHECK(run.totals.parsed == 3);
  CHECK(run.totals.inputs[0].other_format == 1);
  CHECK(run.totals.malformed == 1); // a cut line stays malformed
}
