#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/cli/report_request.hpp>
#include <darkscan/common/error.hpp>

#include <cstddef>
#include <tuple>
#include <utility>

namespace darkscan {

namespace {

constexpr std::size_t k_terminal_top = 20;
constexpr std::size_t k_html_top = 100; // pages in an html report unless --top says otherwise

} // namespace

ReportWindow report_window(const CommandLine& opts, std::int64_t now) {
  ReportWindow w;
  if (!opts.since.empty()) w.since = parse_time_arg("--since", opts.since, now);
  if (!opts.until.empty()) w.until = parse_time_arg("--until", opts.until, now);
  if (w.since && w.until && *w.since >= *w.until) {
    throw Error(message(N_("--since {} is not before --until {}"), opts.since, opts.until));
  }
  w.by = opts.by.empty() ? PeriodKind::none : parse_period_kind(opts.by);
  return w;
}

// The report's destination, pages and time, from the options.
std::string format_of_name(const std::string& path, bool format_given, bool hits) {
  const std::size_t dot = path.rfind('.'), slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  std::string ext = path.substr(dot + 1);
  for (char& c : ext)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  // A review, 2026-12-06: '-o out.json.gz' wrote a plain TSV report under a gzip name.
  // clang-format off
  for (const auto& [suffix, tool] : // not for translation: names of files and tools
       {std::pair{"gz", "gzip"}, {"tgz", "gzip"}, {"z", "compress"}, {"bz2", "bzip2"}, {"tbz2", "bzip2"}, {"xz", "xz"},
        {"txz", "xz"}, {"lzma", "xz"}, {"zst", "zstd"}, {"lz4", "lz4"}, {"br", "brotli"}, {"lz", "lzip"},
        {"zip", "zip"}, {"7z", "7z"}}) {
    // clang-format on
    if (ext == suffix) {
      throw Error(message(N_("-o '{}': darkscan writes its output uncompressed; name the file without "
                             "'.{}', or compress the standard output (darkscan ... | {} > '{}')"),
                          path, path.substr(dot + 1), tool, path));
    }
  }
  // A first-time user's review, 2026-12-07: '-o report.xlsx' wrote a TSV file that Excel refused. With
  // -F, the name is the user's choice (a CSV named .xls, as some do: a review of the fix).
  for (const char* office : {"xlsx", "xls", "xlsm", "ods", "numbers", "pdf", "doc", "docx", "odt"}) {
    if (ext == office && !format_given && hits) {
      throw Error(
          message(N_("-o '{}': darkscan cannot write a .{} file; --hits writes NDJSON (-o hits.ndjson) "
                     "or TSV (-o hits.tsv)"),
                  path, path.substr(dot + 1)));
    }
    if (ext == office && !format_given) {
      throw Error(
          message(N_("-o '{}': darkscan cannot write a .{} file; write CSV, which spreadsheets open "
                     "(-o report.csv), or an HTML page to open in a browser or print (-o report.html)"),
                  path, path.substr(dot + 1)));
    }
  }
  if (ext == "json" || ext == "csv" || ext == "tsv" || ext == "html" || ext == "ndjson") return ext;
  if (ext == "htm") return "html";
  if (ext == "jsonl") return "ndjson";
  if (ext == "txt") return "table";
  return {};
}

ReportRequest report_request(const CommandLine& opts, const std::string& format, bool to_terminal,
                             std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                             PeriodKind by) {
  ReportRequest r;
  r.output = opts.output;
  r.top = opts.top_given     ? opts.top
          : to_terminal      ? k_terminal_top
          : format == "html" ? k_html_top
                             : static_cast<std::size_t>(-1);
  r.min_visits = opts.min_visits;
  // TSV, CSV and NDJSON carry no count of the pages they leave out (an analyst's review, 2026-12-07:
  // a sum over the TSV came out short without a word); the table, HTML and JSON say it themselves.
  if (!opts.quiet && (format == "tsv" || format == "csv" || format == "ndjson")) {
    r.on_cut = [](const std::string& file, std::size_t hidden, std::size_t cut) {
      std::string what =
          hidden == 0 ? format_tr(N_("{} page rows past --top"), number_text(cut))
          : cut == 0
              ? format_tr(N_("{} page rows with fewer visits than --min-visits"), number_text(hidden))
              : format_tr(N_("{} page rows with fewer visits than --min-visits and {} more past --top"),
                          number_text(hidden), number_text(cut));
      print_note(
          file.empty()
              ? format_tr(N_("the report leaves out {}: sums over its rows are not the site's"), what)
              : format_tr(N_("'{}' leaves out {}: sums over its rows are not the site's"), file, what));
    };
  }
  r.since = since;
  r.until = until;
  r.by = by;
  return r;
}

void note_partial_weights(const Rules& rules, const std::function<void(const Message&)>& note) {
  const auto given = [&](Evidence e) { return rules.settings().weight_given[static_cast<std::size_t>(e)]; };
  if (given(Evidence::direct_deep_after_preview) && !given(Evidence::direct_deep_after_preview_late)) {
    note(message(N_("{}: direct_deep_after_preview now counts the arrivals within an hour of a preview; "
                    "those from an hour to 48 hours after it weigh direct_deep_after_preview_late ({}), "
                    "which your rules do not set"),
                 rules.weight_rule(Evidence::direct_deep_after_preview).origin,
                 decimal_text(rules.weight(Evidence::direct_deep_after_preview_late), 2)));
  }
}

// A state counts by hour: says so when --since/--until fall inside an hour. --since counts from the
// next whole hour; --until to the end of its hour, which holds lines before it (a review,
// 2026-12-06: the note said 'from the next whole hour' for --until too).
void note_whole_hours(const ReportWindow& w, const CommandLine& opts,
                      const std::function<void(const Message&)>& note) {
  if (w.since && whole_hour(w.since) != w.since) {
    note(message(N_("a state counts by the hour: {} {} counts from the next whole hour, {}"), "--since",
                 opts.since, format_local("%Y-%m-%d %H:00", *whole_hour(w.since))));
  }
  if (w.until && whole_hour(w.until) != w.until) {
    note(message(N_("a state counts by the hour: --until {} counts to the end of its hour, {}"), opts.until,
                 format_local("%Y-%m-%d %H:00", *whole_hour(w.until))));
  }
}

std::optional<std::int64_t> whole_hour(std::optional<std::int64_t> t) {
  if (!t) return t;
  const Period hour = period_of(PeriodKind::hour, *t);
  return hour.start == *t ? *t : hour.end;
}

// Says so when the inputs do not cover the window asked for: they start after --since (an earlier
// rotated file left out?) or end before an --until that has passed. A quiet hour is not a gap: only
// the first and last lines of the inputs, in the window or not, tell.
void note_window_coverage(const ScanTotals& t, std::optional<std::int64_t> since,
                          std::optional<std::int64_t> until, std::int64_t now,
                          const std::function<void(const Message&)>& note, std::int64_t history_start) {
  if (t.first_time == Hit::k_no_time) return; // nothing was read: the errors say why
  // The window misses the inputs whole: an empty report, which the notes below would call a gap (a
  // robustness review, 2026-12-06: `--since today` on last month's log said nothing).
  if ((since && t.last_time < *since) || (until && t.first_time >= *until)) {
    note(message(N_("no line of the inputs falls in the window asked for: they run from {} to {}; the "
                    "report is empty (a --since or --until of the wrong day, or the wrong logs?)"),
                 format_local("%Y-%m-%d %H:%M:%S", t.first_time),
                 format_local("%Y-%m-%d %H:%M:%S", t.last_time)));
    return;
  }
  if (since && t.first_time > *since && history_start != Hit::k_no_time && history_start < t.first_time) {
    note(message(N_("the state holds the hours from {} on, not all those after --since {}: it read logs from "
                    "{}, and --state-keep dropped the hours before {}"),
                 format_local("%Y-%m-%d %H:%M:%S", t.first_time), format_local("%Y-%m-%d %H:%M:%S", *since),
                 format_local("%Y-%m-%d %H:%M:%S", history_start),
                 format_local("%Y-%m-%d %H:%M:%S", t.first_time)));
  } else if (since && t.first_time > *since) {
    note(message(N_("the inputs start at {}, after --since {}: what was logged before is not in them "
                    "(an older rotated file, such as access.log.2.gz, left out?); the report misses it"),
                 format_local("%Y-%m-%d %H:%M:%S", t.first_time), format_local("%Y-%m-%d %H:%M:%S", *since)));
  }
  if (until && *until <= now && t.last_time < *until) {
    note(message(N_("the inputs end at {}, before --until {}: what was logged after is not in them "
                    "(a newer file left out?); the report misses it"),
                 format_local("%Y-%m-%d %H:%M:%S", t.last_time), format_local("%Y-%m-%d %H:%M:%S", *until)));
  }
}

} // namespace darkscan
