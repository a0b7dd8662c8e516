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

ShareEstimate ReportData::estimate(const Aggregate& traffic) const {
  const TrafficTotals& t = traffic.totals();
  return estimate_share(effective_evidence(traffic, total, settings), t.visits, t.unknown(), weights);
}

ShareEstimate ReportData::estimate(std::string_view key, const PageStats& page) const {
  const PageStats& whole = page_of(total, key);
  const WeightedCounts c =
      effective_evidence(page, whole, settings, returning_share(total.totals()), is_hub(whole, settings));
  return estimate_share(c, page.visits, page.unknown, weights);
}

double ReportData::channel_dark(const WeightedCounts& c, Channel channel) const {
  double dark = 0.0;
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    if (evidence_channel(static_cast<Evidence>(i)) == channel) dark += c[i] * weights[i].value;
  }
  return dark;
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
    rows.push_back({path, &stats, data.estimate(path, stats)});
  }
  // Estimates are computed from integer counts in one order: equal counts give
  // equal doubles whatever order the arrivals were counted in (threads, shards).
  std::sort(rows.begin(), rows.end(), [](const PageRow& a, const PageRow& b) {
    if (a.estimate.dark != b.estimate.dark) return a.estimate.dark > b.estimate.dark;
    if (a.stats->visits != b.stats->visits) return a.stats->visits > b.stats->visits;
    return a.path < b.path;
  });
  if (rows.size() > data.top) rows.resize(data.top);
  return rows;
}

} // namespace darkscan
