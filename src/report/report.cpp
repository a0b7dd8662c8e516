#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/report/report.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

std::unique_ptr<Reporter> make_reporter(std::string_view name, bool colour, std::size_t columns) {
  if (name == "table") return make_table_reporter(colour, columns);
  if (name == "tsv") return make_tsv_reporter();
  if (name == "csv") return make_csv_reporter();
  if (name == "json") return make_json_reporter();
  if (name == "ndjson") return make_ndjson_reporter();
  if (name == "html") return make_html_reporter();
  throw Error(
      message(N_("--output-format: unknown format '{}' (table, tsv, csv, json, ndjson, html)"), name));
}

namespace {

// A page's effective evidence (of any period) and its weights, both judged on the whole report.
struct Weighed {
  WeightedCounts counts;
  Weights weights;
};

// `whole`: the page over the whole report (`page` itself when it is of the report's total).
Weighed weigh(const ReportData& d, const PageStats& page, const PageStats& whole) {
  const double returning = returning_share(d.total.totals());
  const bool hub = is_hub(whole, d.settings);
  const WeightedCounts over_all = effective_evidence(whole, whole, d.settings, returning, hub);
  return {&page == &whole ? over_all : effective_evidence(page, whole, d.settings, returning, hub),
          page_weights(d.model, whole, over_all, d.weights)};
}

// The page of `traffic` over the whole report: found by its key unless `traffic` is the total.
const PageStats& whole_page(const ReportData& d, const Aggregate& traffic, std::string_view key,
                            const PageStats& page) {
  return &traffic == &d.total ? page : page_of(d.total, key);
}

// The sums of `traffic` over `pages`, its pages with visits in key order.
ReportData::Sums sums_over(const ReportData& d, const Aggregate& traffic, const PageList& pages) {
  ReportData::Sums out;
  for (const auto& [key, page] : pages) {
    const auto [c, w] = weigh(d, *page, whole_page(d, traffic, key, *page));
    for (std::size_t i = 0; i < k_evidence_count; ++i) {
      out.value[i] += c[i] * w[i].value;
      out.low[i] += c[i] * w[i].low;
      out.high[i] += c[i] * w[i].high;
      out.arrivals[i] += c[i];
      if (w[i].high > 0) out.candidates[i] += c[i];
    }
  }
  return out;
}

} // namespace

void ReportData::fit() {
  const PageList pages = total.pages_with_visits();
  settings.hub_min_targets = hub_min_targets_of(pages, settings); // before anything asks is_hub
  total_sums.reset();
  model = fit_site_rates(total, pages, settings, weights);
  // The weights do not depend on the applied shares: the sums stand once these are set.
  total_sums = sums_over(*this, total, pages);
  set_applied_shares(model, total_sums->value, total_sums->arrivals);
}

ReportData::Sums ReportData::sums(const Aggregate& traffic) const {
  if (&traffic == &total && total_sums) return *total_sums;
  return sums_over(*this, traffic, traffic.pages_with_visits());
}

ShareEstimate ReportData::estimate(const Sums& s, const TrafficTotals& t) {
  DarkSums d;
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    d.dark += s.value[i];
    d.low += s.low[i];
    d.high += s.high[i];
    d.candidates += s.candidates[i];
  }
  return estimate_from_sums(d, t.visits, t.unknown());
}

ShareEstimate ReportData::estimate(const Aggregate& traffic) const {
  return estimate(sums(traffic), traffic.totals());
}

ShareEstimate ReportData::estimate(const Aggregate& traffic, std::string_view key,
                                   const PageStats& page) const {
  const auto [c, w] = weigh(*this, page, whole_page(*this, traffic, key, page));
  return estimate_share(c, page.visits, page.unknown, w);
}

namespace {

// `value` to 3 significant digits ("0.0417", "12.5", "1.23e+03"), with the language's decimal sign.
std::string significant_text(double value) {
  std::string text = fmt::format("{:.3g}", value);
  if (const std::size_t dot = text.find('.'); dot != std::string::npos)
    text.replace(dot, 1, decimal_text(0.5, 1).substr(1, 1)); // "." or ","
  return text;
}

} // namespace

std::array<std::string, SiteModel::k_kinds> model_lines(const SiteModel& m) {
  std::array<std::string, SiteModel::k_kinds> out;
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    const std::string share = percent_text(m.applied_share[k]);
    if (m.fitted[k]) {
      // The fit's range and the arrivals it read: a part fitted on 8 arrivals is not a part fitted on
      // 8,000, whatever the pages (an analyst's review: "96.3% private" with a range of 0 to 100%).
      const auto arrivals = static_cast<std::uint64_t>(std::llround(m.sum_arrivals[k]));
      out[k] = format_trn("{} private (fitted on {} arrival, 95% range {} to {}: {} per signed private "
                          "arrival, {} per public one)",
                          "{} private (fitted on {} arrivals, 95% range {} to {}: {} per signed private "
                          "arrival, {} per public one)",
                          arrivals, share, count_message(arrivals), percent_text(m.fitted_low[k]),
                          percent_text(m.fitted_high[k]), significant_text(m.signed_rate[k]),
                          significant_text(m.public_rate[k]));
    } else if (m.given[k]) {
      out[k] = format_tr(N_("{} private (set in --rules, taken as given)"), share);
    } else {
      out[k] = format_tr(N_("{} private, within {} to {} (weights.rules: the pages do not support a fit)"),
                         share, percent_text(m.unfitted_low[k]), percent_text(m.unfitted_high[k]));
    }
  }
  return out;
}

double ReportData::channel_dark(const Sums& s, Channel channel) const {
  double dark = 0.0;
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    if (evidence_channel(static_cast<Evidence>(i)) == channel) dark += s.value[i];
  }
  return dark;
}

std::string_view channel_label(Channel channel) {
  // In Channel's order. "dark_social" is every arrival with a sign of a private share, counted whole.
  static constexpr const char* k_labels[k_channel_count] = {
      N_("dark-social signs"), N_("direct"),   N_("search"),   N_("social"),
      N_("campaign"),          N_("referral"), N_("internal"), N_("referrer not logged")};
  const auto index = static_cast<std::size_t>(channel);
  return index < k_channel_count ? tr(k_labels[index]) : channel_name(channel);
}

std::string local_span(std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
  const auto at = [](std::int64_t t) { return format_local("%Y-%m-%d %H:%M", t); };
  const auto zone_at = [](std::int64_t t) {
    std::string zone = format_local("%z", t); // "+0100"
    if (zone.size() == 5) zone.insert(3, ":");
    return zone;
  };
  const std::string zone = zone_at(from ? *from : to ? *to : 0);
  if (from && to && zone_at(*to) != zone) {
    // Across a change of the clocks, each end in its own offset (a review, 2026-12-07: the end was
    // given in the offset of the start, an hour off).
    // TRANSLATORS: a time span across a change of the clocks: "2026-10-24 02:00 to 2026-11-03
    // 00:30 (local time, UTC+02:00 at the start, UTC+01:00 at the end)".
    return format_tr(N_("{} to {} (local time, UTC{} at the start, UTC{} at the end)"), at(*from), at(*to),
                     zone, zone_at(*to));
  }
  // TRANSLATORS: a time span: "2026-11-20 06:00 to 2026-11-21 22:50 (local time, UTC+01:00)"; either
  // end may be "the first line" or "the last line".
  return format_tr(N_("{} to {} (local time, UTC{})"), from ? at(*from) : tr(N_("the first line")),
                   to ? at(*to) : tr(N_("the last line")), zone);
}

namespace {

bool listable(const PageStats& stats) { return stats.visits > 0 || !stats.previews.empty(); }

} // namespace

std::size_t listable_pages(const ReportPeriod& period) {
  std::size_t n = 0;
  for (const auto& [path, stats] : period.traffic->pages())
    n += listable(stats);
  return n;
}

std::vector<PageRow> page_rows(const ReportData& data, const ReportPeriod& period, std::size_t& hidden,
                               std::size_t* cut) {
  std::vector<PageRow> rows;
  hidden = 0;
  for (const auto& [path, stats] : period.traffic->pages()) {
    if (!listable(stats)) continue;
    if (stats.visits < data.min_visits) {
      ++hidden;
      continue;
    }
    rows.push_back({path, &stats, data.estimate(*period.traffic, path, stats)});
  }
  // Estimates are computed from integer counts in one order: equal counts give
  // equal doubles whatever order the arrivals were counted in (threads, shards).
  std::sort(rows.begin(), rows.end(), [](const PageRow& a, const PageRow& b) {
    if (a.estimate.dark != b.estimate.dark) return a.estimate.dark > b.estimate.dark;
    if (a.stats->visits != b.stats->visits) return a.stats->visits > b.stats->visits;
    return a.path < b.path;
  });
  if (cut) *cut = rows.size() > data.top ? rows.size() - data.top : 0;
  if (rows.size() > data.top) rows.resize(data.top);
  return rows;
}

} // namespace darkscan
