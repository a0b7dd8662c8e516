#include <darkscan/report/output.hpp>
#include <darkscan/report/report_writer.hpp>

#include <darkscan/common/error.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/file_identity.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <map>
#include <optional>
#include <sys/stat.h>

namespace darkscan {

namespace {

// Why `path` cannot be written: its folder `folder` does not exist or cannot be written (`err`).
Error folder_refusal(const std::string& path, const std::string& folder, int err) {
  return Error(message(N_("cannot write '{}': its folder '{}': {} (the file is written beside it first, "
                          "then renamed)"),
                       path, folder, system_message(err)),
               ExitCode::cannot_write);
}

// A period of the report: a slice of the splitter, or a period without a hit.
struct PeriodRow {
  std::int64_t key; // the slice's key (its start; the lowest time for hits without one)
  Period period;
  const Aggregate* traffic;
};

// The most periods listed with those without a hit (more than five years of days, twelve weeks of
// hours): past it, the periods with hits alone, as before (a review of the fix: a year of sparse
// hours gave 7,332 files and an HTML page of 59 MB).
constexpr std::size_t k_max_filled_periods = 2000;

// The periods of `slices` in time order, and those without a hit across the window when both its
// ends are given (`--since yesterday --until today`), else (`between`) between the first and the
// last with hits; never after `now`. A day without traffic (a logging outage, a dead day) is a row
// of zeros, not a gap in the trend, and a nightly job gets one file per period (a review,
// 2026-12-07: 2026-12-30 was missing from a window that asked for it). `empty` stands for each
// period without a hit.
std::vector<PeriodRow> every_period(const PeriodSplitter& splitter, PeriodKind kind,
                                    std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                                    bool between, std::int64_t now, const Aggregate& empty) {
  std::vector<PeriodRow> rows, timed;
  std::int64_t from = std::numeric_limits<std::int64_t>::max(), to = std::numeric_limits<std::int64_t>::min();
  for (const auto& [key, slice] : splitter.slices()) {
    if (key == std::numeric_limits<std::int64_t>::min() || kind == PeriodKind::none) {
      rows.push_back({key, slice.period, &slice.traffic});
      continue;
    }
    timed.push_back({key, slice.period, &slice.traffic});
    from = std::min(from, slice.period.start), to = std::max(to, slice.period.end);
  }
  if (timed.empty()) return rows;
  const std::int64_t present = period_of(kind, now).end;
  const auto walk = [&](std::int64_t a, std::int64_t b) {
    b = std::max(b, to); // every period with hits
    std::vector<PeriodRow> out;
    std::size_t found = 0;
    const auto& slices = splitter.slices();
    for (std::int64_t t = a; t < b && out.size() <= k_max_filled_periods;) {
      Period p = period_of(kind, t);
      const auto it = slices.find(p.start);
      if (it != slices.end()) {
        out.push_back({it->first, it->second.period, &it->second.traffic});
        ++found;
      } else if (p.start < present) {
        out.push_back({p.start, p, &empty});
      }
      t = p.end > t ? p.end : t + 1;
      // No period without hits after the present (a line dated ahead of the clock filled 40 empty
      // days up to it: a third review): on to the next period with hits.
      if (t >= present) {
        const auto next = slices.lower_bound(t);
        t = next == slices.end() ? b : std::max(t, next->first);
      }
    }
    // Every period with hits, in order, and not too many: else none is filled in.
    return found == timed.size() && out.size() <= k_max_filled_periods ? out : std::vector<PeriodRow>();
  };
  std::vector<PeriodRow> filled;
  if (since && until && *since < *until) filled = walk(std::min(from, *since), std::max(to, *until));
  if (filled.empty() && between) filled = walk(from, to);
  if (filled.empty()) filled = std::move(timed);
  rows.insert(rows.end(), filled.begin(), filled.end());
  return rows;
}

} // namespace

void write_report(const ReportRequest& request, const Reporter& reporter, const ScanTotals& totals,
                  const PeriodSplitter& periods, const PeriodSplitter* days,
                  const std::vector<std::string>& site_hosts, std::int64_t now) {
  const bool by_period = request.by != PeriodKind::none;
  const bool file_per_period = by_period && has_time_pattern(request.output);
  // All periods together: the one period itself when there is one (a report without --by), so that
  // pages are not copied, looked up again in the copy and freed twice (the report's tail was 0.13 s
  // of a 0.8 s run on 1 GB of gen-log: perf, 2 threads).
  std::optional<Aggregate> merged;
  if (periods.slices().size() != 1) merged = periods.total();
  const Aggregate& total = merged ? *merged : periods.slices().begin()->second.traffic;
  const Aggregate empty; // each period without a hit
  // A period the lines read cover for less than 90% of it: marked, so that a last day of a few
  // hours does not read as a collapse of traffic.
  const auto partial = [&](const Period& p) {
    // Not for a report without periods (its one slice spans all time) nor a log without times.
    if (p.start == std::numeric_limits<std::int64_t>::min() ||
        p.end == std::numeric_limits<std::int64_t>::max() || p.end <= p.start ||
        totals.first_time == Hit::k_no_time)
      return false;
    // The window cuts a period too (a review, 2026-12-06: '--since 12:00 --by day' showed half a day
    // as a whole one).
    std::int64_t from = std::max(p.start, totals.first_time), to = std::min(p.end, totals.last_time + 1);
    if (totals.window_start) from = std::max(from, *totals.window_start);
    if (totals.window_end) to = std::min(to, *totals.window_end);
    return to - from < (p.end - p.start) * 9 / 10;
  };
  // `from`, `to`: the time this report covers (its file's period, with one file per period).
  auto report = [&](const Aggregate& all, std::vector<ReportPeriod> list, const std::string& path,
                    std::int64_t from = std::numeric_limits<std::int64_t>::min(),
                    std::int64_t to = std::numeric_limits<std::int64_t>::max()) {
    std::vector<ReportPeriod> trend;
    if (days) {
      for (const PeriodRow& day :
           every_period(*days, PeriodKind::day, request.since, request.until, true, now, empty)) {
        if (day.key != Hit::k_no_time && day.key >= from && day.key < to) {
          trend.push_back({day.period.label, day.traffic, partial(day.period)});
        }
      }
    }
    ReportData data{totals,
                    all,
                    std::move(list),
                    by_period,
                    request.top,
                    request.min_visits,
                    DARKSCAN_VERSION,
                    site_hosts,
                    std::move(trend),
                    request.weights,
                    request.settings,
                    {},
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    request.counts_private,
                    request.public_apps};
    data.fit();
    data.since = request.since;
    data.until = request.until;
    if (from != std::numeric_limits<std::int64_t>::min())
      data.since = from, data.until = to; // its file's period
    Output out(path);
    reporter.stream(data, out);
    out.finish();
    if (request.on_cut && (request.top != static_cast<std::size_t>(-1) || request.min_visits > 0)) {
      std::size_t hidden = 0, cut = 0;
      for (const ReportPeriod& period : data.periods) {
        std::size_t h = 0, c = 0;
        page_rows(data, period, h, &c);
        hidden += h, cut += c;
      }
      if (hidden + cut > 0) request.on_cut(file_per_period ? path : std::string(), hidden, cut);
    }
  };
  // Files: a period without a hit gets one inside a window asked for, not between hits (a year of
  // sparse hours was 7,332 files).
  const std::vector<PeriodRow> rows =
      every_period(periods, request.by, request.since, request.until, !file_per_period, now, empty);
  if (file_per_period) {
    // A period's name that is an input (`--by day -o '%Y-%m-%d.log' 2026-11-20.log`) would replace
    // it with a report (a robustness review, 2026-12-06): all names are checked before any is written.
    // Lines without a time (a format that logs none) have no period to name a file by: the name was
    // the year -219246529's (a robustness review, 2026-12-07).
    if (!rows.empty() &&
        std::all_of(rows.begin(), rows.end(), [](const PeriodRow& row) { return row.key == Hit::k_no_time; }))
      throw Error(message(N_("the lines read have no time: --by cannot split them into files by period "
                             "('{}'); give a log format with a time, or leave out --by"),
                          request.output),
                  ExitCode::usage);
    std::vector<std::string> names;
    for (const PeriodRow& row : rows)
      names.push_back(format_local(request.output, row.key));
    if (periods.slices().empty())
      names.push_back(format_local(request.output, period_of(request.by, request.since.value_or(now)).start));
    // A state not written yet (--state-out, a first --state) is a path: same_target compares paths.
    // Each period's folder too, so that no period is written when a later one could not be.
    for (const std::string& name : names) {
      for (const std::string& kept : request.keep) {
        if (util::same_target(name, kept)) {
          throw Error(
              message(N_("-o '{}' names '{}' for a period, which is '{}', an input or the state of this "
                         "run: it would be replaced; write elsewhere"),
                      request.output, name, kept),
              ExitCode::cannot_write);
        }
      }
      if (const int err = util::folder_error(name)) {
        throw folder_refusal(name, util::folder_of(name), err);
      }
    }
    // The hour lived twice when the clocks go back is two periods; a pattern without %z names one
    // file for both, which then holds both.
    for (auto first = rows.begin(); first != rows.end();) {
      const std::string name = format_local(request.output, first->key);
      auto last = std::next(first);
      while (last != rows.end() && format_local(request.output, last->key) == name)
        ++last;
      std::vector<ReportPeriod> list;
      for (auto it = first; it != last; ++it)
        list.push_back({it->period.label, it->traffic, partial(it->period)});
      if (std::next(first) == last) {
        report(*first->traffic, std::move(list), name, first->period.start, first->period.end);
      } else {
        Aggregate both = *first->traffic;
        for (auto it = std::next(first); it != last; ++it)
          both.merge(*it->traffic);
        report(both, std::move(list), name, first->period.start, std::prev(last)->period.end);
      }
      first = last;
    }
    if (periods.slices().empty()) {
      // No hit in the window: a nightly job still gets its (empty) report.
      const Period p = period_of(request.by, request.since.value_or(now));
      report(total, {{p.label, &total}}, format_local(request.output, p.start));
    }
  } else {
    std::vector<ReportPeriod> list;
    for (const PeriodRow& row : rows)
      list.push_back({row.period.label, row.traffic, partial(row.period)});
    if (list.empty()) list.push_back({"", &total});
    report(total, std::move(list), request.output);
  }
}

bool has_time_pattern(const std::string& output) {
  for (std::size_t i = output.find('%'); i != std::string::npos; i = output.find('%', i + 2)) {
    if (i + 1 >= output.size() || output[i + 1] != '%') return true;
  }
  return false;
}

namespace {

// Two periods of `kind` that the pattern maps to one name, over about a year (or two for weeks
// and months: every hour of the year, every day of the week and month). Periods that share their
// own label (the hour repeated when clocks go back) are not a collision of the pattern.
void check_pattern_separates_periods(const std::string& pattern, PeriodKind kind, std::int64_t now) {
  const std::int64_t span = kind == PeriodKind::hour ? 370 * 86400LL : 2 * 370 * 86400LL;
  std::map<std::string, Period> seen;
  for (std::int64_t t = now - span; t < now;) {
    Period p = period_of(kind, t);
    const auto [it, fresh] = seen.emplace(format_local(pattern, p.start), p);
    if (!fresh && format_local(period_label_pattern(kind), it->second.start) !=
                      format_local(period_label_pattern(kind), p.start)) {
      throw Error(message(N_("-o '{}' names one file for two periods of --by {} (such as {} and {}): each "
                             "would overwrite the last; make the pattern tell them apart (e.g. {})"),
                          pattern, period_kind_name(kind), it->second.label, p.label,
                          period_label_pattern(kind)));
    }
    t = p.end > t ? p.end : t + 3600;
  }
}

} // namespace

void check_report_output(const ReportRequest& request, std::int64_t now) {
  if (request.output.empty()) return;
  const bool pattern = has_time_pattern(request.output);
  if (pattern && request.by == PeriodKind::none) {
    throw Error(message(N_("-o '{}' holds a date pattern (%...) but there is no --by to fill it: give "
                           "--by hour|day|week|month, or a file name without %"),
                        request.output));
  }
  // %Y is the calendar year, %V the ISO week: the week of 2025-12-29 is 2026-W01, which
  // '%Y-W%V' names 2025-W01, a file of the year before (a review, 2026-12-07).
  // The conversions are read without strftime's E and O modifiers (%EY is %Y: a third review), and
  // "%%" is no conversion.
  const std::string& out = request.output;
  std::string conversions;
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] != '%') continue;
    std::size_t k = i + 1;
    if (k + 1 < out.size() && (out[k] == 'E' || out[k] == 'O')) ++k;
    conversions += out[k];
    i = k;
  }
  const auto has = [&](const char* any) { return conversions.find_first_of(any) != std::string::npos; };
  if (pattern && has("V") && has("YyC") && !has("Gg")) {
    throw Error(
        message(N_("-o '{}': %V is the ISO week, and its year is %G, not %Y (the week of 2025-12-29 is "
                   "2026-W01, which %Y would name 2025-W01): write %G-W%V"),
                out));
  }
  if (pattern) check_pattern_separates_periods(request.output, request.by, now);
  // The folder the (first) file goes to must exist and be writable; the output must not be one. A
  // folder named by the date ('reports/%Y/%m-%d.tsv') is each period's: today's need not exist for
  // last year's report (a robustness review, 2026-12-06: refused for the wrong year); the folders
  // before the first '%' must, and each period's is checked before any file is written.
  if (pattern && has_time_pattern(util::folder_of(request.output))) {
    const std::string fixed = util::folder_of(request.output.substr(0, request.output.find('%')) + "x");
    struct stat folder {};
    if (::stat(fixed.c_str(), &folder) != 0 || !S_ISDIR(folder.st_mode)) {
      throw folder_refusal(request.output, fixed, ENOENT);
    }
    return;
  }
  const std::string path = pattern ? format_local(request.output, now) : request.output;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(message(N_("cannot write '{}': it is a directory"), path), ExitCode::cannot_write);
  }
  if (const int err = util::folder_error(path)) {
    throw folder_refusal(path, util::folder_of(path), err);
  }
}

} // namespace darkscan
