// Table: for people at a terminal, in their language (words through tr(), numbers through
// number_text and percent_text). Log text is escaped so that no control sequence from a log reaches
// the screen. fmt pads by code points, not bytes; a column is as wide as the English layout has it,
// or wider where a translation or a French number needs it ("100,0 %" is one column more than
// "100.0%"), so that the columns stay in line in any language and English is unchanged.
#include <darkscan/common/i18n.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/report/report_advice.hpp>
#include <darkscan/util/display_width.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace darkscan {

namespace {

// The narrowest a path is cut to on a narrow terminal: a path's end names the page.
constexpr std::size_t k_min_path_width = 16;
constexpr std::size_t k_label_width = 20; // the column of the summary's and the channels' labels

// Labels and their values, the labels in one column: k_label_width, or one more than the widest.
using Rows = std::vector<std::pair<std::string_view, std::string>>;

void write_rows(const Rows& rows, std::string& out) {
  std::size_t width = k_label_width;
  for (const auto& [label, value] : rows)
    width = std::max(width, util::display_width(label) + 1);
  for (const auto& [label, value] : rows)
    out += fmt::format("  {:<{}}{}\n", label, width, value);
}

// A share in a column of shares: as wide as the widest percent_text can be ("100.0%" / "100,0 %").
std::size_t share_width(std::size_t least, std::string_view header = {}) {
  return util::column_width(least, {header, percent_text(1.0), tr(N_("n/a"))});
}

class TableReporter final : public Reporter {
public:
  TableReporter(bool colour, std::size_t columns) : m_colour(colour), m_columns(columns) {}

private:
  void render(const ReportData& data, std::string& out, const PageDone& /*top pages only*/) const override {
    const ShareEstimate overall = data.estimate(data.total);
    summary_section(data, overall, out);
    channels_section(data, overall, out);
    // TRANSLATORS: "not available": a share that a log without referrers cannot tell.
    const char* n_a = tr(N_("n/a"));
    for (const ReportPeriod& period : data.periods) {
      out += '\n';
      if (data.by_period) {
        const TrafficTotals& pt = period.traffic->totals();
        const ShareEstimate e = data.estimate(*period.traffic);
        // English says "visits" for one visit too, as it always has.
        out += heading(format_trn("{}{}: {} visits, dark social {} ({})",
                                  "{}{}: {} visits, dark social {} ({})", pt.visits, period.label,
                                  period.partial ? tr(N_(" (partial: the log covers part of it)")) : "",
                                  number_text(pt.visits), e.counted() ? whole(e.dark) : n_a,
                                  e.known ? percent_text(e.share) : n_a));
      } else {
        out += heading(tr(N_("Pages by estimated dark-social visits")));
      }
      pages(data, period, out);
    }
    next_steps(data, out);
  }

  // Inputs not read, then the summary: lines, hits by class, visits, the estimate, period, site.
  void summary_section(const ReportData& data, const ShareEstimate& overall, std::string& out) const {
    const ScanTotals& s = data.scan;
    const TrafficTotals& t = data.total.totals();
    // TRANSLATORS: "not available": a share that a log without referrers cannot tell.
    const char* n_a = tr(N_("n/a"));

    std::string errors;
    for (const InputStats& in : s.inputs)
      if (!in.error.empty()) errors += "  " + util::escape_for_terminal(in.error.local) + '\n';
    if (!errors.empty()) out += heading(tr(N_("Incomplete: some input was not read"))) + errors + '\n';

    out += heading(tr(N_("Summary")));
    Rows summary;
    auto row = [&](const char* label, std::string value) {
      summary.emplace_back(tr(label), std::move(value));
    };
    auto count = [](std::uint64_t n) { return fmt::format("{:>12}", number_text(n)); };
    std::string malformed;
    if (s.malformed) {
      // English says "malformed" for one line too, as it always has.
      malformed =
          "  " + format_trn("({} malformed)", "({} malformed)", s.malformed, number_text(s.malformed));
    }
    row(N_("lines"), count(s.lines) + malformed);
    row(N_("bots"), count(t.bots));
    row(N_("link previews"), count(t.previews));
    row(N_("assets"), count(t.assets));
    row(N_("page views"), count(t.page_views));
    if (s.invalid_requests) {
      // TRANSLATORS: requests that are not HTTP: TLS sent to port 80, logged as "-".
      row(N_("not HTTP"), count(s.invalid_requests) + "  " + tr(N_("(TLS on port 80, \"-\")")));
    }
    row(N_("visits"), count(t.visits));
    if (overall.known) {
      row(N_("dark social"),
          format_tr(N_("{:>12}  estimated visits, {} of visits (95% range {} to {})"), whole(overall.dark),
                    percent_text(overall.share), percent_text(overall.low), percent_text(overall.high)));
    } else if (overall.no_visits && (data.since || data.until)) {
      // A review, 2026-12-06: a window the log does not reach was blamed on bots.
      row(N_("dark social"),
          format_tr(N_("{:>12}  no visits in the window asked for (--since, --until)"), n_a));
    } else if (overall.no_visits && s.parsed == 0) {
      // A review, 2026-12-07: an empty download was blamed on bots too.
      row(N_("dark social"),
          s.lines == 0 && s.inputs_failed() == 0
              ? format_tr(N_("{:>12}  no visits: no line was read (the input is empty)"), n_a)
          : s.lines == 0 ? format_tr(N_("{:>12}  no visits: no input could be read (see above)"), n_a)
                         : format_tr(N_("{:>12}  no visits: no line was read as a request"), n_a));
    } else if (overall.no_visits) {
      row(N_("dark social"), format_tr(N_("{:>12}  no visits: only bots, link previews or assets"), n_a));
    } else if (overall.unknown < overall.visits) {
      row(N_("dark social"),
          format_tr(N_("{:>12}  {} of the {} visits cannot be judged: their lines do not record the "
                       "referrer (a tenth is the most an estimate allows)"),
                    n_a, number_text(overall.unknown), number_text(overall.visits)));
    } else {
      row(N_("dark social"), format_tr(N_("{:>12}  the log does not record referrers"), n_a));
    }
    if (data.since || data.until) row(N_("period"), local_span(data.since, data.until));
    if (s.first_time != Hit::k_no_time) row(N_("lines read"), local_span(s.first_time, s.last_time));
    if (!data.site_hosts.empty()) {
      std::string hosts;
      for (const auto& h : data.site_hosts)
        hosts += (hosts.empty() ? "" : ", ") + util::escape_for_terminal(h);
      row(N_("site"), hosts);
    }
    write_rows(summary, out);
  }

  // Visits by channel, the site model (when the log records referrers), link previews by app.
  void channels_section(const ReportData& data, const ShareEstimate& overall, std::string& out) const {
    const TrafficTotals& t = data.total.totals();
    out += '\n';
    out += heading(
        tr(N_("Channels (visits; those with dark-social signs counted whole: the estimate is above)")));
    Rows channels;
    const std::size_t channel_share = share_width(6);
    for (std::size_t c = 0; c < k_channel_count; ++c) {
      const ChannelStats& cs = t.channels[c];
      if (cs.visits == 0) continue;
      channels.emplace_back(
          channel_label(static_cast<Channel>(c)),
          fmt::format("{:>12}  {:>{}}", number_text(cs.visits),
                      percent_text(static_cast<double>(cs.visits) / static_cast<double>(t.visits)),
                      channel_share));
    }
    write_rows(channels, out);
    if (data.model.valid && overall.known) {
      out += '\n';
      out += heading(tr(N_("Site model: referrer-less arrivals")));
      const auto lines = model_lines(data.model);
      Rows model;
      model.emplace_back(tr(N_("new visitors")), lines[0]);
      model.emplace_back(tr(N_("returning visitors")), lines[1]);
      model.emplace_back(tr(N_("social apps")), lines[2]);
      // Facebook's fetcher is most of preview-mixed; 18 characters, as "returning visitors".
      model.emplace_back(tr(N_("after a FB preview")), lines[3]);
      write_rows(model, out);
    }
    if (!t.previews_by_app.empty()) {
      out += '\n';
      out += heading(tr(N_("Link previews by app")));
      for (const auto& [app, n] : ranked(t.previews_by_app))
        out += fmt::format("  {:<{}}{:>12}\n", util::escape_for_terminal(app), k_label_width, number_text(n));
    }
  }

  void pages(const ReportData& data, const ReportPeriod& period, std::string& out) const {
    std::size_t hidden = 0;
    const auto rows = page_rows(data, period, hidden);
    const char* n_a = tr(N_("n/a"));
    // TRANSLATORS: the page table's column heads: estimated dark-social visits, visits, dark-social
    // share, its 95% range, the app most visits came through, the page's path. Short: a column is as
    // wide as its head.
    const std::string_view dark_head = tr(N_("est.dark")), visits_head = tr(N_("visits")),
                           share_head = tr(N_("share")), range_head = tr(N_("95% range")),
                           app_head = tr(N_("top app")), path_head = tr(N_("path"));
    const std::size_t dark_w = util::column_width(8, {dark_head, n_a}),
                      visits_w = util::column_width(7, {visits_head}), share_w = share_width(6, share_head),
                      range_w = util::column_width(13, {range_head, range(1.0, 1.0)}),
                      app_w = util::column_width(10, {app_head});
    // On a terminal, the path takes what the other columns leave of its width (a review, 2026-12-07:
    // rows of 112 columns wrapped on 80, and a file or a wide terminal lost the paths' ends).
    const std::size_t before_path = 2 + dark_w + 1 + visits_w + 1 + share_w + 2 + range_w + 1 + app_w + 1;
    const std::size_t path_w = path_width(before_path);
    auto line = [&](std::string_view dark, std::string_view visits, std::string_view share,
                    std::string_view range, std::string_view app, std::string_view path) {
      out += fmt::format("  {:>{}} {:>{}} {:>{}}  {:<{}} {:<{}} {}\n", dark, dark_w, visits, visits_w, share,
                         share_w, range, range_w, app, app_w, path);
    };
    line(dark_head, visits_head, share_head, range_head, app_head, path_head);
    for (const PageRow& r : rows) {
      const PageStats& p = *r.stats;
      const ShareEstimate& e = r.estimate;
      line(e.counted() ? whole(e.dark) : n_a, number_text(p.visits), e.known ? percent_text(e.share) : n_a,
           e.known ? range(e.low, e.high) : n_a,
           util::escape_for_terminal(util::shorten(data.top_app(p), 10)),
           util::escape_for_terminal(util::shorten(r.path, path_w)));
    }
    const std::size_t listed = listable_pages(period);
    if (rows.size() + hidden < listed) {
      const std::size_t more = listed - rows.size() - hidden;
      out += "  " +
             format_trn("... {} more page (--top N shows more)", "... {} more pages (--top N shows more)",
                        more, count_message(more)) +
             '\n';
    }
    if (hidden > 0) {
      out += "  " +
             format_trn("{} pages with fewer than {} visits not shown (--min-visits)",
                        "{} pages with fewer than {} visits not shown (--min-visits)", hidden,
                        count_message(hidden), count_message(data.min_visits)) +
             '\n';
    }
  }

  // What to do next (report_advice.hpp), in a few lines.
  void next_steps(const ReportData& data, std::string& out) const {
    const Advice a = advice(data);
    if (!a.known || a.dark < 1.0) return;
    out += '\n';
    out += heading(tr(N_("What to do next")));
    out += "  " +
           format_tr(N_("{} of the estimated dark-social visits came through tagged links."),
                     percent_text(a.tagged / a.dark)) +
           '\n';
    if (!a.untagged.empty()) {
      // TRANSLATORS: two lines of at most 90 columns; keep the two spaces after the line break.
      const char* add_button = tr(N_("Add a share button that tags its links on these pages (none of their "
                                     "visits came\n  through a tagged private link):"));
      out += "  " + std::string(add_button) + '\n';
      for (const PageRow& r : a.untagged) {
        out += "    " +
               format_tr(N_("{:>6} estimated  {}"), whole(r.estimate.dark),
                         util::escape_for_terminal(util::shorten(r.path, path_width(4 + 6 + 12)))) +
               '\n';
      }
    }
    if (!a.tag.empty()) {
      std::string apps;
      for (const AppShare& app : a.apps)
        apps += (apps.empty() ? "" : ", ") + util::escape_for_terminal(app.app);
      // TRANSLATORS: {} are app ids ("whatsapp, facebook, line") and a link's tag
      // ("?utm_source=whatsapp&utm_medium=share"). Two lines; keep the two spaces after the break.
      std::string tag_advice = format_tr(N_("People share your pages most through {}: tag the links shared "
                                            "there,\n  e.g. {}"),
                                         apps, util::escape_for_terminal(a.tag));
      out += "  " + tag_advice + '\n';
    }
  }

  // How wide a path may be after `before` columns: the terminal's rest, at least k_min_path_width;
  // whole (no limit) when the table is not shown on a terminal.
  std::size_t path_width(std::size_t before) const {
    if (m_columns == 0) return std::numeric_limits<std::size_t>::max();
    return std::max(k_min_path_width, m_columns > before + 1 ? m_columns - before - 1 : 0);
  }

  // Visits are whole: an estimate is shown rounded (JSON keeps its fraction).
  static std::string whole(double visits) {
    return number_text(static_cast<std::uint64_t>(std::max(0.0, visits) + 0.5));
  }

  // A page's 95% range in whole percents, "38-85%" / "38-85 %".
  static std::string range(double low, double high) {
    return decimal_text(low * 100, 0) + "-" + percent_text(high, 0);
  }

  std::string heading(std::string_view title) const {
    return m_colour ? fmt::format("\x1b[1m{}\x1b[0m\n", title) : fmt::format("{}\n", title);
  }

  bool m_colour;
  std::size_t m_columns; // the terminal's width, 0 when not on a terminal
};

} // namespace

std::unique_ptr<Reporter> make_table_reporter(bool colour, std::size_t columns) {
  return std::make_unique<TableReporter>(colour, columns);
}

} // namespace darkscan
