// Fuzz target: the whole pipeline on a byte stream, as `darkscan` runs it:
// Source (codec by magic bytes) -> LineReader -> format detection -> parser ->
// Scanner -> Analyzer (the real rules/) -> PeriodSplitter/Aggregate -> every
// report format, plus the --hits writers.
//
// Input: two option bytes, then the log (plain, or gzip/bzip2/xz/zstd: the
// codec is detected as for a file). The log is put in a memory file (memfd) and
// scanned through its /proc/self/fd path, because Scanner opens inputs by path.
//   byte 0: bits 0-1 format (0, 1: detected; 2: the nginx custom format of
//           samples/; 3: an Apache format with %m %U%q %H, %v and
//           X-Requested-With); bit 2 --strict; bit 3 --site example.com;
//           bit 4 --keep-param id/p; bit 5 --max-line-length 256;
//           bit 6 --top 3 --min-visits 2; bit 7 hits as TSV (else NDJSON)
//   byte 1: bits 0-2 --by (0: none, 1 hour, 2 day, 3 week, 4 month, else none);
//           bit 3 a --since/--until window around 2026-11-20; bit 4 scan
//           again with --threads 2: hit records and reports must be the same
//           byte for byte (scan_parallel.cpp promises it); bits 5-6 the
//           parallel scan's block size (1 MiB, 64, 300 or 4096 bytes), so that
//           blocks end at many places of the input
// Findings: any crash, sanitizer report or leak; an exception other than
// darkscan::Error; a report or hit record that breaks the output promises
// (output_checks.hpp: JSON/NDJSON valid and UTF-8, TSV/CSV shape, table safe).
#include "report_checks.hpp"

#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/visits/analyzer.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/scan/scan.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace darkscan;

struct Fixture {
  Rules rules;
  std::vector<LogFormat> formats; // [0] nginx custom, [1] Apache with parts of the request
  int fd = -1;
  std::string path;
};

// Loaded once per process: the real rules, the custom formats, the memory file.
Fixture& fixture() {
  static Fixture f = [] {
    Fixture out;
    // Periods are local time: pin a zone with DST (falls back to UTC without tzdata).
    ::setenv("TZ", "Europe/Berlin", 1);
    try {
      out.rules = Rules::load({DARKSCAN_SOURCE_RULES_DIR});
      out.formats.push_back(LogFormat::compile(
          R"($host $remote_addr [$time_iso8601] "$request" $status $body_bytes_sent $request_time )"
          R"("$http_referer" "$http_user_agent" "$http_x_forwarded_for")"));
      out.formats.push_back(LogFormat::compile(
          R"(%v %h %l %u %t \"%m %U%q %H\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" \"%{X-Requested-With}i\" %D)"));
    } catch (const Error& e) {
      std::fprintf(stderr, "fuzz_pipeline: set-up failed: %s\n", e.what());
      std::abort();
    }
    out.fd = ::memfd_create("darkscan-fuzz-input", 0);
    if (out.fd < 0) {
      std::perror("fuzz_pipeline: memfd_create");
      std::abort();
    }
    out.path = "/proc/self/fd/" + std::to_string(out.fd);
    return out;
  }();
  return f;
}

void put_input(const Fixture& f, std::string_view bytes) {
  if (::ftruncate(f.fd, 0) != 0) {
    std::perror("fuzz_pipeline: ftruncate");
    std::abort();
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(f.fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n <= 0) {
      std::perror("fuzz_pipeline: pwrite");
      std::abort();
    }
    done += static_cast<std::size_t>(n);
  }
}

// The options an input asks for (see the top of this file).
struct RunOptions {
  int format = -1; // index into Fixture::formats, -1: detect
  bool strict = false;
  std::vector<std::string> sites;
  std::vector<std::string> keep_params;
  std::size_t max_line = LineReader::k_default_max_line;
  bool limited = false;
  bool hits_tsv = false;
  PeriodKind by = PeriodKind::none;
  std::optional<std::int64_t> since, until;
};

// What a run wrote: the hit records, then each report format.
struct RunOutput {
  bool stopped = false; // --strict stopped at a malformed line
  std::string hits;
  std::vector<std::string> reports;
};

RunOutput run(const Fixture& f, const RunOptions& o, std::size_t threads, std::size_t block_bytes = 1 << 20) {
  RunOutput result;
  ScanOptions options;
  if (o.format >= 0) options.format = f.formats[static_cast<std::size_t>(o.format)];
  options.strict = o.strict;
  options.max_line = o.max_line;
  options.threads = threads;
  options.block_bytes = block_bytes;
  try {
    PeriodSplitter splitter(o.by, o.since, o.until, o.keep_params);
    fuzz::CheckedHits hits(splitter, o.hits_tsv, result.hits);
    Analyzer analyzer(f.rules, o.sites, hits, [](const Message&) {});
    analyzer.look_ahead(true); // as the command line runs it (run.cpp)
    Scanner scanner(std::move(options), analyzer, [](const std::string&) {});
    scanner.scan(f.path);
    analyzer.finish();

    const ScanTotals& totals = scanner.totals();
    if (totals.parsed + totals.malformed + totals.empty + totals.not_records != totals.lines) {
      const std::string counts = "lines " + std::to_string(totals.lines) + ", parsed " + std::to_string(totals.parsed) +
                                 ", malformed " + std::to_string(totals.malformed) + ", empty " +
                                 std::to_string(totals.empty) + ", not records " + std::to_string(totals.not_records);
      fuzz::fail("scan totals: lines != parsed + malformed + empty + not records", counts, 0);
    }
    const Aggregate total = splitter.total();
    std::vector<ReportPeriod> periods;
    for (const auto& [start, slice] : splitter.slices()) periods.push_back({slice.period.label, &slice.traffic});
    if (periods.empty()) periods.push_back({"", &total});
    ReportData data{totals,
                    total,
                    std::move(periods),
                    o.by != PeriodKind::none,
                    o.limited ? std::size_t{3} : static_cast<std::size_t>(-1),
                    o.limited ? std::uint64_t{2} : std::uint64_t{0},
                    "fuzz",
                    analyzer.site_hosts(),
                    {},
                    f.rules.weights(),
                    f.rules.settings(),
                    {},
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    [&](std::string_view query) { return f.rules.is_private_tag(query); },
                    f.rules.public_apps()};
    data.fit(); // as a report is made: the site model fitted, the pages weighed once
    result.reports = fuzz::render_and_check(data);
  } catch (const Error& e) {
    // --strict stops at the first malformed line; nothing else should throw.
    if (!o.strict) fuzz::fail("darkscan::Error thrown while scanning without --strict", e.what(), 0);
    result.stopped = true;
  }
  return result;
}

// First difference of two outputs that should be equal: a finding.
void require_same(const std::string& serial, const std::string& parallel, const char* what) {
  if (serial == parallel) return;
  std::size_t at = 0;
  while (at < serial.size() && at < parallel.size() && serial[at] == parallel[at]) ++at;
  std::fprintf(stderr, "serial (%zu bytes):\n  %s\nparallel:", serial.size(), fuzz::excerpt(serial, at).c_str());
  fuzz::fail(what, parallel, at);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  Fixture& f = fixture();
  const unsigned a = data[0], b = data[1];
  put_input(f, std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2));

  RunOptions o;
  if ((a & 3) >= 2) o.format = static_cast<int>(a & 3) - 2;
  o.strict = a & 4;
  if (a & 8) o.sites.push_back("Example.com");
  if (a & 16) o.keep_params = {"id", "p"};
  if (a & 32) o.max_line = 256;
  o.limited = a & 64;
  o.hits_tsv = a & 128;
  static constexpr PeriodKind k_kinds[] = {PeriodKind::none, PeriodKind::hour,  PeriodKind::day, PeriodKind::week,
                                           PeriodKind::month, PeriodKind::none, PeriodKind::none, PeriodKind::none};
  o.by = k_kinds[b & 7];
  if (b & 8) {
    o.since = 1795132800; // 2026-11-20T00:00:00Z
    o.until = 1795262400; // 2026-11-21T12:00:00Z
  }

  const RunOutput serial = run(f, o, 1);
  if (b & 16) {
    // A parallel scan promises the same output as a serial one, byte for byte.
    static constexpr std::size_t k_block_bytes[] = {1 << 20, 64, 300, 4096};
    const RunOutput parallel = run(f, o, 2, k_block_bytes[(b >> 5) & 3]);
    fuzz::require(serial.stopped == parallel.stopped, "--strict stopped in one of serial/parallel scans only", "");
    require_same(serial.hits, parallel.hits, "hit records differ between serial and parallel scans");
    fuzz::require(serial.reports.size() == parallel.reports.size(), "report count differs", "");
    for (std::size_t i = 0; i < serial.reports.size(); ++i) {
      require_same(serial.reports[i], parallel.reports[i], "reports differ between serial and parallel scans");
    }
  }
  return 0;
}
