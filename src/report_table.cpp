// Table: for people at a terminal. Log text is escaped so that no control
// sequence from a log reaches the screen.
#include <darkscan/report.hpp>
#include <darkscan/report_advice.hpp>
#include <darkscan/util/number.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

namespace {

constexpr std::size_t k_path_width = 60;

class TableReporter final : public Reporter {
public:
  explicit TableReporter(bool colour) : m_colour(colour) {}

  void write(const ReportData& data, std::string& out) const override {
    const ScanTotals& s = data.scan;
    const TrafficTotals& t = data.total.totals();
    const ShareEstimate overall = data.estimate(data.total);

    std::string errors;
    for (const InputStats& in : s.inputs)
      if (!in.error.empty()) errors += "  " + util::escape_for_terminal(in.error.local) + '\n';
    if (!errors.empty()) out += heading("Incomplete: some input was not read") + errors + '\n';

    out += heading("Summary");
    auto row = [&](std::string_view label, std::string value) {
      out += fmt::format("  {:<20}{}\n", label, value);
    };
    auto count = [](std::uint64_t n) { return fmt::format("{:>12}", util::group_thousands(n)); };
    row("lines",
        count(s.lines) +
            (s.malformed ? fmt::format("  ({} malformed)", util::group_thousands(s.malformed)) : ""));
    row("bots", count(t.bots));
    row("link previews", count(t.previews));
    row("assets", count(t.assets));
    row("page views", count(t.page_views));
    if (s.invalid_requests) row("not HTTP", count(s.invalid_requests) + "  (TLS on port 80, \"-\")");
    row("visits", count(t.visits));
    if (overall.known) {
      row("dark social",
          fmt::format("{:>12}  estimated visits, {} of visits (95% range {} to {})", whole(overall.dark),
                      util::percent(overall.share), util::percent(overall.low), util::percent(overall.high)));
    } else {
      row("dark social", fmt::format("{:>12}  the log does not record referrers", "n/a"));
    }
    if (data.since || data.until) row("period", local_span(data.since, data.until));
    if (s.first_time != Hit::k_no_time) row("lines read", local_span(s.first_time, s.last_time));
    if (!data.site_hosts.empty()) {
      std::string hosts;
      for (const auto& h : data.site_hosts)
        hosts += (hosts.empty() ? "" : ", ") + util::escape_for_terminal(h);
      row("site", hosts);
    }

    out += '\n';
    out += heading("Channels (visits; those with dark-social signs counted whole: the estimate is above)");
    for (std::size_t c = 0; c < k_channel_count; ++c) {
      const ChannelStats& cs = t.channels[c];
      if (cs.visits == 0) continue;
      out += fmt::format("  {:<20}{:>12}  {:>6}\n", channel_label(static_cast<Channel>(c)),
                         util::group_thousands(cs.visits),
                         util::percent(static_cast<double>(cs.visits) / static_cast<double>(t.visits)));
    }
    if (data.model.valid && overall.known) {
      out += '\n';
      out += heading("Site model: referrer-less arrivals");
      const auto lines = model_lines(data.model);
      row("new visitors", lines[0]);
      row("returning visitors", lines[1]);
      row("social apps", lines[2]);
    }
    if (!t.previews_by_app.empty()) {
      out += '\n';
      out += heading("Link previews by app");
      for (const auto& [app, n] : ranked(t.previews_by_app)) {
        out += fmt::format("  {:<20}{:>12}\n", util::escape_for_terminal(app), util::group_thousands(n));
      }
    }

    for (const ReportPeriod& period : data.periods) {
      out += '\n';
      if (data.by_period) {
        const TrafficTotals& pt = period.traffic->totals();
        const ShareEstimate e = data.estimate(*period.traffic);
        out += heading(fmt::format("{}{}: {} visits, dark social {} ({})", period.label,
                                   period.partial ? " (partial: the log covers part of it)" : "",
                                   util::group_thousands(pt.visits), e.known ? whole(e.dark) : "n/a",
                                   e.known ? util::percent(e.share) : "n/a"));
      } else {
        out += heading("Pages by estimated dark-social visits");
      }
      pages(data, period, out);
    }
    next_steps(data, out);
  }

private:
  void pages(const ReportData& data, const ReportPeriod& period, std::string& out) const {
    std::size_t hidden = 0;
    const auto rows = page_rows(data, period, hidden);
    out += fmt::format("  {:>8} {:>7} {:>6}  {:<13} {:<10} {}\n", "est.dark", "visits", "share", "95% range",
                       "top app", "path");
    for (const PageRow& r : rows) {
      const PageStats& p = *r.stats;
      const ShareEstimate& e = r.estimate;
      out += fmt::format("  {:>8} {:>7} {:>6}  {:<13} {:<10} {}\n", e.known ? whole(e.dark) : "n/a",
                         util::group_thousands(p.visits), e.known ? util::percent(e.share) : "n/a",
                         e.known ? fmt::format("{:.0f}-{:.0f}%", e.low * 100, e.high * 100) : "n/a",
                         util::escape_for_terminal(util::shorten(p.top_app(), 10)),
                         util::escape_for_terminal(util::shorten(r.path, k_path_width)));
    }
    std::size_t listed = 0;
    for (const auto& [path, stats] : period.traffic->pages())
      listed += stats.visits > 0 || !stats.previews.empty();
    if (rows.size() + hidden < listed) {
      out += fmt::format("  ... {} more pages (--top N shows more)\n", listed - rows.size() - hidden);
    }
    if (hidden > 0) {
      out += fmt::format("  {} pages with fewer than {} visits not shown (--min-visits)\n", hidden,
                         data.min_visits);
    }
  }

  // What to do next (report_advice.hpp), in a few lines.
  void next_steps(const ReportData& data, std::string& out) const {
    const Advice a = advice(data);
    if (!a.known || a.dark < 1.0) return;
    out += '\n';
    out += heading("What to do next");
    out += fmt::format("  {} of the estimated dark-social visits came through tagged links.\n",
                       util::percent(a.tagged / a.dark));
    if (!a.untagged.empty()) {
      out += "  Add a share button that tags its links on these pages (none of their visits came\n"
             "  through a tagged private link):\n";
      for (const PageRow& r : a.untagged) {
        out += fmt::format("    {:>6} estimated  {}\n", whole(r.estimate.dark),
                           util::escape_for_terminal(util::shorten(r.path, k_path_width)));
      }
    }
    if (!a.apps.empty()) {
      std::string apps;
      for (const AppShare& app : a.apps)
        apps += (apps.empty() ? "" : ", ") + util::escape_for_terminal(app.app);
      out += fmt::format("  People share your pages most through {}: tag the links shared there,\n"
                         "  e.g. {}\n",
                         apps, util::escape_for_terminal(share_tag(a.apps.front().app)));
    }
  }

  // Visits are whole: an estimate is shown rounded (JSON keeps its fraction).
  static std::string whole(double visits) {
    return util::group_thousands(static_cast<std::uint64_t>(std::max(0.0, visits) + 0.5));
  }

  std::string heading(std::string_view title) const {
    return m_colour ? fmt::format("\x1b[1m{}\x1b[0m\n", title) : fmt::format("{}\n", title);
  }

  bool m_colour;
};

} // namespace

std::unique_ptr<Reporter> make_table_reporter(bool colour) { return std::make_unique<TableReporter>(colour); }

} // namespace darkscan
