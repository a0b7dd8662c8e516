#pragma once

#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/estimate.hpp>
#include <darkscan/estimate/site_model.hpp>
#include <darkscan/report/output.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/util/time_parse.hpp>

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// One period of a report (--by), or the whole input.
struct ReportPeriod {
  std::string label; // "2026-11-20", "2026-W47", ... ; empty without --by
  const Aggregate* traffic;
  bool partial = false; // the lines read cover less than 90% of it: the table and HTML mark it
};

// Everything a report shows. Reporters see only this, never raw lines.
struct ReportData {
  const ScanTotals& scan;
  const Aggregate& total;            // all periods together
  std::vector<ReportPeriod> periods; // one, unlabelled, without --by
  bool by_period = false;
  std::size_t top = static_cast<std::size_t>(-1); // pages to list per period
  std::uint64_t min_visits = 0;                   // pages with fewer visits are hidden
  std::string version;
  std::vector<std::string> site_hosts;
  std::vector<ReportPeriod> trend; // by day, for the html trend chart (may be empty)
  Weights weights{};               // applied to the arrivals' evidence counts (estimate.hpp)
  EstimateSettings settings{};     // how counts become an estimate, besides the weights
  SiteModel model{};               // fitted on `total` by fit() before reporting
  // The window asked for (--since, --until; UTC seconds), shown in local time: not the span of
  // the lines read, which may be wider.
  std::optional<std::int64_t> since, until;

  // The weighted sums of a whole aggregate, per evidence: at the weights' values, lows, highs, and
  // the arrivals themselves (all, and those that may be private).
  struct Sums {
    EvidenceSums value{}, low{}, high{}, arrivals{}, candidates{};
  };
  Sums sums(const Aggregate& traffic) const;

  // Fits `model` on `total` and weighs the pages of `total` once, for every sum over them and for
  // the model's applied shares (what a report does before it is written). Call it again after
  // changing the weights, the settings or `total`: sums(total) returns what it kept.
  void fit();
  std::optional<Sums> total_sums; // by fit(): sums(total)
  // ReportRequest::counts_private: whether a link's query is counted a private share.
  std::function<bool(std::string_view query)> counts_private;
  // ReportRequest::public_apps: previews and arrivals that do not make a page's top app.
  PublicApps public_apps;
  // The page's top app as reports show it.
  std::string_view top_app(const PageStats& page) const { return page.top_app(public_apps); }

  // The estimate of a whole aggregate (the report, a period, a day); from its sums and totals.
  ShareEstimate estimate(const Aggregate& traffic) const;
  static ShareEstimate estimate(const Sums& sums, const TrafficTotals& totals);
  // The estimate of one page of `traffic` (the total or a period): what the page is (a hub) and how
  // many of its arrivals its previews explain are judged on the whole report.
  ShareEstimate estimate(const Aggregate& traffic, std::string_view key, const PageStats& page) const;
  // Estimated dark-social visits of one channel (its effective evidence, weighted).
  double channel_dark(const Sums& sums, Channel channel) const;
};

// One page of the report, with its estimate.
struct PageRow {
  std::string_view path;
  const PageStats* stats;
  ShareEstimate estimate;
};

// The pages of `period` to show: those with visits or previews and at least
// `min_visits` visits, by estimated dark-social visits (then visits, then
// path), at most `top`. `hidden` gets the number left out by min_visits, `cut` (when given) the
// number left out by top.
std::vector<PageRow> page_rows(const ReportData& data, const ReportPeriod& period, std::size_t& hidden,
                               std::size_t* cut = nullptr);

// The pages of `period` that page_rows would list without min_visits and top: the table and the
// HTML say how many --top left out.
std::size_t listable_pages(const ReportPeriod& period);

// A channel as people read it in the table and the HTML, in their language ("dark_social" is
// "dark-social signs": every arrival with any sign of a private share, counted whole, not the
// estimate). The machine formats keep channel_name.
std::string_view channel_label(Channel channel);

// A time span in local time, "2026-11-20 06:00 to 2026-11-21 22:50 (local time, UTC+01:00)"; an
// open end reads "the first line" or "the last line". In the user's language.
std::string local_span(std::optional<std::int64_t> from, std::optional<std::int64_t> to);

// The site model in words for the table and the HTML report, one line per kind of k_model_kinds
// (referrer-less deep arrivals of new, of returning visitors, in-app social arrivals): the private
// part and where it comes from (fitted, given in --rules, or weights.rules). In the user's language.
std::array<std::string, SiteModel::k_kinds> model_lines(const SiteModel& model);

// One output format. write() renders the whole report into `out`; stream() hands it to `out` as it
// goes, so that a report of every page (JSON, NDJSON, TSV, CSV) is never whole in memory: 145 MB of
// JSON for 500,000 pages would take twice that as one growing string. With -o a failure leaves no
// file (Output's temporary file is removed); on standard output, what was flushed stays written.
class Reporter {
public:
  virtual ~Reporter() = default;
  void write(const ReportData& data, std::string& out) const { render(data, out, {}); }
  void stream(const ReportData& data, Output& out) const {
    render(data, out.buffer(), [&out] { out.maybe_flush(); });
  }

protected:
  // Called after each page a format that lists every page has written (Output::maybe_flush when
  // streaming; empty for write()). The table and HTML, which show the top pages, need not call it.
  using PageDone = std::function<void()>;
  // Appends the report to `out`.
  virtual void render(const ReportData& data, std::string& out, const PageDone& page_done) const = 0;
};

// Names accepted by --output-format for the report.
inline constexpr const char* k_report_formats[] = {"table", "tsv", "csv", "json", "ndjson", "html"};

// The reporter for `name` (see k_report_formats); throws Error(ExitCode::usage)
// for an unknown one. `colour` and `columns` apply to the table only: `columns` is the width of the
// terminal it is shown on (its paths are cut to fit), 0 for a table written to a file or a pipe
// (paths whole).
std::unique_ptr<Reporter> make_reporter(std::string_view name, bool colour, std::size_t columns = 0);

std::unique_ptr<Reporter> make_table_reporter(bool colour, std::size_t columns);
std::unique_ptr<Reporter> make_tsv_reporter();
std::unique_ptr<Reporter> make_csv_reporter();
std::unique_ptr<Reporter> make_json_reporter();
std::unique_ptr<Reporter> make_ndjson_reporter();
std::unique_ptr<Reporter> make_html_reporter();

using util::format_utc;

} // namespace darkscan
