#include <darkscan/error.hpp>
#include <darkscan/report.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

std::unique_ptr<Reporter> make_reporter(std::string_view name, bool colour) {
  if (name == "table") return make_table_reporter(colour);
  if (name == "tsv") return make_tsv_reporter();
  if (name == "csv") return make_csv_reporter();
  if (name == "json") return make_json_reporter();
  if (name == "ndjson") return make_ndjson_reporter();
  if (name == "html") return make_html_reporter();
  throw Error(
      fmt::format("--output-format: unknown format '{}' (table, tsv, csv, json, ndjson, html)", name));
}

std::vector<PageRow> page_rows(const ReportData& data, const ReportPeriod& period, std::size_t& hidden) {
  std::vector<PageRow> rows;
  hidden = 0;
  for (const auto& [path, stats] : period.traffic->pages()) {
    if (stats.visits == 0 && stats.previews.empty()) continue;
    if (stats.visits < data.min_visits) {
      ++hidden;
      continue;
    }
    rows.push_back({path, &stats, wilson_interval(stats.dark_social, stats.visits)});
  }
  // Weight sums are exact to 4 decimals (add_weight): equal sums compare
  // equal whatever order their parts were added in (threads, merged shards).
  std::sort(rows.begin(), rows.end(), [](const PageRow& a, const PageRow& b) {
    if (a.stats->dark_social != b.stats->dark_social) return a.stats->dark_social > b.stats->dark_social;
    if (a.stats->visits != b.stats->visits) return a.stats->visits > b.stats->visits;
    return a.path < b.path;
  });
  if (rows.size() > data.top) rows.resize(data.top);
  return rows;
}

std::string format_utc(std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  // civil_from_days (H. Hinnant)
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, rem % 3600 / 60, rem % 60);
}

} // namespace darkscan
