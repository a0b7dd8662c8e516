#include <darkscan/output.hpp>
#include <darkscan/report_writer.hpp>

#include <limits>

namespace darkscan {

void write_report(const ReportRequest& request, const Reporter& reporter, const ScanTotals& totals,
                  const PeriodSplitter& periods, const PeriodSplitter* days,
                  const std::vector<std::string>& site_hosts, std::int64_t now) {
  const bool by_period = request.by != PeriodKind::none;
  const bool file_per_period = by_period && request.output.find('%') != std::string::npos;
  const Aggregate total = periods.total();
  // `from`, `to`: the time this report covers (its file's period, with one file per period).
  auto report = [&](const Aggregate& all, std::vector<ReportPeriod> list, const std::string& path,
                    std::int64_t from = std::numeric_limits<std::int64_t>::min(),
                    std::int64_t to = std::numeric_limits<std::int64_t>::max()) {
    std::vector<ReportPeriod> trend;
    if (days) {
      for (const auto& [start_time, day] : days->slices()) {
        if (start_time != Hit::k_no_time && start_time >= from && start_time < to)
          trend.push_back({day.period.label, &day.traffic});
      }
    }
    ReportData data{totals,           all,        std::move(list), by_period, request.top, request.min_visits,
                    DARKSCAN_VERSION, site_hosts, std::move(trend)};
    std::string text;
    reporter.write(data, text);
    Output out(path);
    out.write(text);
    out.finish();
  };
  if (file_per_period) {
    for (const auto& [start_time, slice] : periods.slices()) {
      report(slice.traffic, {{slice.period.label, &slice.traffic}}, format_local(request.output, start_time),
             slice.period.start, slice.period.end);
    }
    if (periods.slices().empty()) {
      // No hit in the window: a nightly job still gets its (empty) report.
      const Period p = period_of(request.by, request.since.value_or(now));
      report(total, {{p.label, &total}}, format_local(request.output, p.start));
    }
  } else {
    std::vector<ReportPeriod> list;
    for (const auto& [start_time, slice] : periods.slices())
      list.push_back({slice.period.label, &slice.traffic});
    if (list.empty()) list.push_back({"", &total});
    report(total, std::move(list), request.output);
  }
}

} // namespace darkscan
