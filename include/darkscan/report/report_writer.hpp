#pragma once

#include <darkscan/estimate/periods.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/scan/scan.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// What a report was asked for: where it goes, which pages, which time.
struct ReportRequest {
  std::string output;           // "" for standard output
  std::size_t top = SIZE_MAX;   // pages per period
  std::uint64_t min_visits = 0; // pages with fewer visits are hidden
  std::optional<std::int64_t> since, until;
  PeriodKind by = PeriodKind::none;
  Weights weights{}; // weights.rules of the rules the report is made with
  EstimateSettings settings{};
  // Whether the rules the report is made with count a link's query ("utm_source=gmail&utm_medium=
  // share") as a private share: the advice suggests only a tag they count (report_advice.hpp).
  // Unset: no tag is suggested.
  std::function<bool(std::string_view query)> counts_private;
  // Rules::public_apps of the rules the report is made with: a page's top app leaves out their signs.
  PublicApps public_apps;
  // Files no report may replace (the inputs, the states read): a file per period whose name is one
  // of them is refused before any period is written.
  std::vector<std::string> keep;
  // Told the page rows a report leaves out (--min-visits, then --top; with --by, of every period), when
  // it leaves out any, and the file (with one file per period; "" otherwise): formats that carry no
  // count of them (TSV, CSV, NDJSON) say it on standard error. Unset: not asked.
  std::function<void(const std::string& file, std::size_t hidden, std::size_t cut)> on_cut;
};

// Renders `periods` (their total, and each period with --by) with `reporter`
// and writes it to the request's output, atomically; with --by and an output
// holding a strftime pattern ("out/%Y-%m-%d.tsv"), one file per period, and
// an empty dated file when no hit fell in the window. `days`: the same
// verdicts by day, for the html trend chart (nullptr for other formats).
// Throws Error(ExitCode::cannot_write) when an output cannot be written.
void write_report(const ReportRequest& request, const Reporter& reporter, const ScanTotals& totals,
                  const PeriodSplitter& periods, const PeriodSplitter* days,
                  const std::vector<std::string>& site_hosts, std::int64_t now);

// True when `output` holds a strftime conversion ("%d"; "%%" is a literal %).
bool has_time_pattern(const std::string& output);

// Refuses, before any log is read, an output the report could not be written
// to as asked: a directory, a folder that does not exist or cannot be written,
// a strftime pattern without --by, or a pattern that gives two periods of
// --by one file name (--by hour with "%Y-%m-%d": each hour would overwrite
// the last). Throws Error (usage, or cannot_write for the folder). Costs one
// strftime per period of about a year (hours: ~9,000) when there is a pattern.
void check_report_output(const ReportRequest& request, std::int64_t now);

} // namespace darkscan
