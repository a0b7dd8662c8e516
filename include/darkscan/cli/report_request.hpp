#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/cli/options.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/report/report_writer.hpp>
#include <darkscan/scan/scan.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace darkscan {

// What the report is asked for by the options, the run's and merge's alike: its time window, pages
// and destination, and the notes that say where the window and the data do not meet.

// --since, --until and --by, read.
struct ReportWindow {
  std::optional<std::int64_t> since, until;
  PeriodKind by = PeriodKind::none;
};

// The window of --since/--until/--by, times relative to `now`. Throws Error on a time or period that
// cannot be read, or a --since not before --until.
ReportWindow report_window(const CommandLine& opts, std::int64_t now);

// The format that an output file's name asks for when -F is not given: report.json, daily.csv,
// out/%Y-%m-%d.html, hits.ndjson (.jsonl too), .tsv, .txt (the table); empty for another name. A
// report written with -o report.json was TSV, which jq then refused (a review, 2026-12-06).
// Throws Error for the name of a compressed file (.gz, .bz2, .xz, .zst...): the output is not; and,
// unless `format_given` (-F), of an office file (.xlsx, .pdf...), saying what to write instead (for
// --hits when `hits`).
std::string format_of_name(const std::string& path, bool format_given = false, bool hits = false);

// The report's destination, pages and time, from the options; the weights and settings are the caller's.
ReportRequest report_request(const CommandLine& opts, const std::string& format, bool to_terminal,
                             std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                             PeriodKind by);

// Says so through `note` when a --rules directory sets direct_deep_after_preview and not
// direct_deep_after_preview_late: a weight written when the first took every arrival within 48 h
// of a preview now covers the first hour only.
void note_partial_weights(const Rules& rules, const std::function<void(const Message&)>& note);

// A time of the window as a state's report counts it: the start of the next whole hour when it
// falls inside one (the same time when it is whole).
std::optional<std::int64_t> whole_hour(std::optional<std::int64_t> t);

// A state counts by hour: says so through `note` when --since/--until fall inside an hour.
void note_whole_hours(const ReportWindow& w, const CommandLine& opts,
                      const std::function<void(const Message&)>& note);

// Says so through `note` when the inputs do not cover the window asked for: they start after --since
// or end before an --until that has passed. `history_start`: a state's first hit ever (State::origin),
// earlier than the first it holds when --state-keep dropped hours, which explains a --since before them.
void note_window_coverage(const ScanTotals& t, std::optional<std::int64_t> since,
                          std::optional<std::int64_t> until, std::int64_t now,
                          const std::function<void(const Message&)>& note,
                          std::int64_t history_start = Hit::k_no_time);

} // namespace darkscan
