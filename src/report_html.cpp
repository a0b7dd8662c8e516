// HTML: one self-contained page for people who will never open a TSV: inline
// CSS and SVG charts, no script, no external request (a Content-Security-Policy
// forbids them), every string from the log escaped as text.
#include <darkscan/report.hpp>
#include <darkscan/util/number.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

namespace {

constexpr std::size_t k_chart_pages = 20; // bars in a page chart; the table lists all `top`
constexpr std::size_t k_label_bytes = 56;

constexpr const char* k_style = R"(
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dee8;--bg:#f6f7fb;--card:#fff;--dark:#6a3df0;--range:#22194d;--grey:#c3c9d6}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px}
.sub{color:var(--muted);margin:0 0 20px}.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.tile .k{color:var(--muted);font-size:13px}.tile .v{font-size:26px;font-weight:650}.tile .n{color:var(--muted);font-size:13px}
.warn{background:#fff4e5;border:1px solid #e8a33d;border-radius:10px;padding:10px 16px;margin:0 0 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;overflow-x:auto}
svg{display:block;max-width:100%;height:auto}svg text{font:13px system-ui,sans-serif;fill:var(--ink)}svg .muted{fill:var(--muted)}
.bar{fill:var(--dark)}.bar.visits{fill:var(--grey)}.range{stroke:var(--range);stroke-width:2}.axis{stroke:var(--line)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.path{word-break:break-all}
details{margin:10px 0}summary{cursor:pointer;font-weight:600}.note{color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;margin-top:32px}
)";

// Text from the log or the rules, escaped for HTML.
std::string h(std::string_view text) {
  std::string out;
  util::append_html_text(out, text);
  return out;
}

std::string pct(double fraction) { return util::percent(fraction); }

std::string count(std::uint64_t n) { return util::group_thousands(n); }

// A share and its range, or "n/a" when the log does not record referrers.
std::string share_text(const ShareEstimate& e) { return e.known ? pct(e.share) : "n/a"; }
std::string range_text(const ShareEstimate& e, std::string_view dash) {
  return e.known ? pct(e.low) + std::string(dash) + pct(e.high) : "n/a";
}
std::string dark_text(const ShareEstimate& e) { return e.known ? util::plain_number(e.dark) : "n/a"; }

// All apps of a period: previews plus dark-social arrivals.
AppCounts all_apps(const Aggregate& traffic) {
  AppCounts apps = traffic.totals().previews_by_app;
  for (const auto& [path, stats] : traffic.pages())
    for (const auto& [app, n] : stats.apps)
      add_app(apps, app, n);
  return ranked(std::move(apps));
}

// The inputs that could not be read (in full): a report of what was read is not a quiet day.
void input_errors(const ScanTotals& s, std::string& out) {
  std::string items;
  for (const InputStats& in : s.inputs)
    if (!in.error.empty()) items += "<li>" + h(in.error) + "</li>";
  if (items.empty()) return;
  out += R"(<div class="warn" id="errors"><strong>Incomplete: some input was not read.</strong><ul>)" +
         items + "</ul></div>\n";
}

void tiles(const ReportData& data, std::string& out) {
  const TrafficTotals& t = data.total.totals();
  const ShareEstimate e = data.estimate(data.total);
  const AppCounts apps = all_apps(data.total);
  auto tile = [&](std::string_view key, const std::string& value, const std::string& note) {
    out += fmt::format(
        R"(<div class="tile"><div class="k">{}</div><div class="v">{}</div><div class="n">{}</div></div>)",
        key, value, note);
  };
  out += R"(<section class="tiles" id="summary">)";
  tile("Visits", count(t.visits), count(t.page_views) + " page views");
  tile("Dark-social share", share_text(e),
       e.known ? "95% range " + range_text(e, " to ") : "the log does not record referrers");
  tile("Estimated dark-social visits", dark_text(e),
       count(t.dark_social_visits) + " visits with dark-social evidence");
  tile("Top app", apps.empty() ? "none" : h(apps.front().first),
       apps.empty() ? "no previews or in-app visits" : count(apps.front().second) + " previews and visits");
  tile("Link previews", count(t.previews), "fetched by chat and social apps");
  out += "</section>\n";
}

// Horizontal bars: each page's share with its 95% range.
void page_chart(const std::vector<PageRow>& rows, std::string& out) {
  const std::size_t n = std::min(rows.size(), k_chart_pages);
  if (n == 0) {
    out += R"(<p class="note">No page had visits in this period.</p>)";
    return;
  }
  constexpr int label_w = 420, bar_w = 360, row_h = 28, width = label_w + bar_w + 200;
  const int height = static_cast<int>(n) * row_h + 30;
  out += fmt::format(
      R"(<svg class="chart pages" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="Dark-social share of the top pages, with 95% ranges">)",
      width, height, width, height);
  for (int x : {0, 25, 50, 75, 100}) {
    const int px = label_w + x * bar_w / 100;
    out += fmt::format(
        R"(<line class="axis" x1="{}" y1="0" x2="{}" y2="{}"/><text class="muted" x="{}" y="{}" text-anchor="middle">{}%</text>)",
        px, px, height - 18, px, height - 4, x);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const PageRow& r = rows[i];
    const int y = static_cast<int>(i) * row_h;
    if (!r.estimate.known) continue; // no bar: nothing is known (the table says n/a)
    const double w = r.estimate.share * bar_w;
    const double lo = label_w + r.estimate.low * bar_w, hi = label_w + r.estimate.high * bar_w;
    out += fmt::format(R"(<g class="page"><title>{}</title><text x="{}" y="{}" text-anchor="end">{}</text>)",
                       h(r.path), label_w - 8, y + 18, h(util::shorten(r.path, k_label_bytes)));
    out += fmt::format(R"(<rect class="bar" x="{}" y="{}" width="{:.1f}" height="16" rx="2"/>)", label_w,
                       y + 6, w);
    out += fmt::format(R"(<line class="range" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>)", lo, y + 14, hi,
                       y + 14);
    out += fmt::format(R"(<line class="range" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>)", lo, y + 9, lo,
                       y + 19);
    out += fmt::format(R"(<line class="range" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>)", hi, y + 9, hi,
                       y + 19);
    out += fmt::format(R"(<text class="muted" x="{}" y="{}">{} ({}–{}) of {}</text></g>)",
                       label_w + bar_w + 10, y + 18, pct(r.estimate.share), pct(r.estimate.low),
                       pct(r.estimate.high), count(r.stats->visits));
  }
  out += "</svg>\n";
}

void page_table(const std::vector<PageRow>& rows, std::size_t hidden, std::string& out) {
  out +=
      R"(<table class="pages"><thead><tr><th>Page</th><th class="num">Visits</th><th class="num">Dark social</th><th class="num">Share</th><th class="num">95% range</th><th>Top app</th><th>Previews</th><th class="num">Page views</th></tr></thead><tbody>)";
  for (const PageRow& r : rows) {
    std::string previews;
    for (const auto& [app, n] : ranked(r.stats->previews))
      previews += (previews.empty() ? "" : ", ") + h(app) + " " + count(n);
    out += fmt::format(
        R"(<tr><td class="path">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>)",
        h(r.path), count(r.stats->visits), dark_text(r.estimate), share_text(r.estimate),
        range_text(r.estimate, "–"), h(r.stats->top_app()), previews, count(r.stats->page_views));
  }
  out += "</tbody></table>\n";
  if (hidden > 0) {
    out += fmt::format(R"(<p class="note">{} pages with fewer visits than --min-visits are not listed.</p>)",
                       count(hidden));
  }
}

// One labelled bar per item, scaled to the largest.
void bar_list(std::string_view css, std::string_view label,
              const std::vector<std::pair<std::string, std::uint64_t>>& items, std::uint64_t total,
              std::string& out) {
  constexpr int label_w = 160, bar_w = 420, row_h = 26, width = label_w + bar_w + 170;
  std::uint64_t max = 1;
  for (const auto& [name, n] : items)
    max = std::max(max, n);
  const int height = static_cast<int>(items.size()) * row_h + 6;
  out += fmt::format(
      R"(<svg class="chart {}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">)", css,
      width, height, width, height, label);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& [name, n] = items[i];
    const int y = static_cast<int>(i) * row_h;
    out += fmt::format(
        R"(<g><text x="{}" y="{}" text-anchor="end">{}</text><rect class="bar" x="{}" y="{}" width="{:.1f}" height="16" rx="2"/><text class="muted" x="{}" y="{}">{}{}</text></g>)",
        label_w - 8, y + 17, h(name), label_w, y + 5,
        static_cast<double>(n) * bar_w / static_cast<double>(max), label_w + bar_w + 10, y + 17, count(n),
        total ? " (" + pct(static_cast<double>(n) / static_cast<double>(total)) + ")" : "");
  }
  out += "</svg>\n";
}

// Visits (grey) and estimated dark-social visits (colour) per day.
void trend_chart(const ReportData& data, std::string& out) {
  const std::vector<ReportPeriod>& days = data.trend;
  constexpr int height = 220, plot_h = 170, left = 50, width = 1000;
  const int slot = std::max(6, (width - left) / static_cast<int>(days.size()));
  std::uint64_t max = 1;
  for (const ReportPeriod& d : days)
    max = std::max(max, d.traffic->totals().visits);
  out += fmt::format(
      R"(<svg class="chart trend" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="Visits and estimated dark-social visits per day">)",
      left + slot * static_cast<int>(days.size()), height, left + slot * static_cast<int>(days.size()),
      height);
  out += fmt::format(
      R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/><text class="muted" x="{}" y="12" text-anchor="end">{}</text>)",
      left, plot_h, left + slot * static_cast<int>(days.size()), plot_h, left - 6, count(max));
  const std::size_t label_every = std::max<std::size_t>(1, days.size() / 12);
  for (std::size_t i = 0; i < days.size(); ++i) {
    const TrafficTotals& t = days[i].traffic->totals();
    const int x = left + static_cast<int>(i) * slot;
    const double hv = static_cast<double>(t.visits) * plot_h / static_cast<double>(max);
    const ShareEstimate e = data.estimate(*days[i].traffic);
    const double hd = e.known ? e.dark * plot_h / static_cast<double>(max) : 0.0;
    out += fmt::format(R"(<g class="day"><title>{}: {} visits, {} estimated dark social ({})</title>)",
                       h(days[i].label), count(t.visits), dark_text(e), share_text(e));
    out += fmt::format(R"(<rect class="bar visits" x="{}" y="{:.1f}" width="{}" height="{:.1f}"/>)", x + 1,
                       plot_h - hv, slot - 2, hv);
    out += fmt::format(R"(<rect class="bar" x="{}" y="{:.1f}" width="{}" height="{:.1f}"/>)", x + 1,
                       plot_h - hd, slot - 2, hd);
    if (i % label_every == 0) {
      out += fmt::format(R"(<text class="muted" x="{}" y="{}">{}</text>)", x + 1, plot_h + 18,
                         h(days[i].label.size() > 5 ? days[i].label.substr(5) : days[i].label));
    }
    out += "</g>";
  }
  out += "</svg>\n";
}

void period_section(const ReportData& data, const ReportPeriod& period, std::string& out) {
  std::size_t hidden = 0;
  const std::vector<PageRow> rows = page_rows(data, period, hidden);
  page_chart(rows, out);
  out += "<details><summary>All listed pages</summary>";
  page_table(rows, hidden, out);
  out += "</details>\n";
}

class HtmlReporter final : public Reporter {
public:
  void write(const ReportData& data, std::string& out) const override {
    const ScanTotals& s = data.scan;
    const TrafficTotals& t = data.total.totals();
    std::string site;
    for (const auto& host : data.site_hosts)
      site += (site.empty() ? "" : ", ") + host;
    const std::string span = s.first_time == Hit::k_no_time
                                 ? std::string("no timestamps")
                                 : format_utc(s.first_time) + " to " + format_utc(s.last_time);
    out += R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="darkscan )" +
           h(data.version) + "\">\n";
    out += "<title>Dark-social report" + (site.empty() ? "" : ": " + h(site)) + "</title>\n<style>";
    out += k_style;
    out += "</style></head>\n<body><main>\n<h1>Dark-social report" + (site.empty() ? "" : ": " + h(site)) +
           "</h1>\n";
    out += fmt::format(
        R"(<p class="sub">{} · {} lines read{} · the share of visits that came through private channels (chats, mail), estimated from access logs</p>)",
        h(span), count(s.lines), s.malformed ? ", " + count(s.malformed) + " malformed" : std::string());
    out += '\n';
    input_errors(s, out);
    tiles(data, out);

    if (data.trend.size() > 1) {
      out += R"(<h2 id="trend">Daily trend</h2><div class="card">)";
      trend_chart(data, out);
      out += R"(<p class="note">Grey: visits. Colour: estimated dark-social visits.</p></div>)";
      out += '\n';
    }

    out += R"(<h2 id="pages">Top pages by estimated dark-social visits</h2>)";
    out +=
        R"(<p class="note">Bar: the page's dark-social share; line: its 95% range (narrow with many visits, wide with few).</p>)";
    if (data.by_period) {
      for (std::size_t i = 0; i < data.periods.size(); ++i) {
        const ReportPeriod& p = data.periods[i];
        const TrafficTotals& pt = p.traffic->totals();
        out += fmt::format(
            R"(<details class="period"{}><summary>{}: {} visits, {} dark social</summary><div class="card">)",
            i + 1 == data.periods.size() ? " open" : "", h(p.label), count(pt.visits),
            share_text(data.estimate(*p.traffic)));
        period_section(data, p, out);
        out += "</div></details>\n";
      }
    } else {
      out += R"(<div class="card">)";
      period_section(data, data.periods.front(), out);
      out += "</div>\n";
    }

    out += R"(<h2 id="channels">Channels</h2><div class="card">)";
    std::vector<std::pair<std::string, std::uint64_t>> channels;
    for (std::size_t c = 0; c < k_channel_count; ++c) {
      if (t.channels[c].visits)
        channels.emplace_back(channel_name(static_cast<Channel>(c)), t.channels[c].visits);
    }
    std::sort(channels.begin(), channels.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    if (channels.empty()) {
      out += R"(<p class="note">No visits.</p>)";
    } else {
      bar_list("channels", "Visits by channel", channels, t.visits, out);
    }
    out += "</div>\n";

    if (data.model.valid && share_known(t.visits, t.unknown())) {
      const auto lines = model_lines(data.model);
      out += R"(<h2 id="model">Site model</h2><div class="card">)";
      out += "<p>Arrivals without a referrer on a deep page are private shares or bookmarks, typed "
             "addresses and lost referrers; those from a social app's browser are direct messages or feed "
             "clicks. Their private part is fitted on this report's own pages where they allow it:</p>";
      out += "<p>New visitors: " + h(lines[0]) + "</p>";
      out += "<p>Returning visitors: " + h(lines[1]) + "</p>";
      out += "<p>In social apps' browsers (Facebook, Instagram…: a direct message or a feed click): " +
             h(lines[2]) + "</p>";
      out +=
          R"(<p class="note">A new visitor has no bookmark: on each page, their arrivals without a referrer )"
          R"(beyond what the page's public traffic (search, social, links) brings are counted as private shares. )"
          R"(Returning visitors' count in proportion to the page's signed private arrivals (messenger in-app )"
          R"(browsers, share tags, clicks after a chat's link preview).</p></div>)";
      out += "\n";
    }

    out += R"(<h2 id="previews">Link previews by app</h2><div class="card">)";
    std::vector<std::pair<std::string, std::uint64_t>> previews;
    for (const auto& [app, n] : ranked(t.previews_by_app))
      previews.emplace_back(std::string(app), n);
    if (previews.empty()) {
      out +=
          R"(<p class="note">No link-preview fetches: no page was pasted into a chat in this period, or the log has no user agents.</p>)";
    } else {
      bar_list("previews", "Link-preview fetches by app", previews, 0, out);
      out +=
          R"(<p class="note">A chat or social app fetches a page to show a preview when someone pastes its link.</p>)";
    }
    out += "</div>\n";

    out += "<footer>darkscan " + h(data.version) +
           ". Estimates: each arrival without a referrer, from an in-app browser or a private-channel tag "
           "counts with a weight from 0 to 1; see README, \"How darkscan decides\".</footer>\n";
    out += "</main></body></html>\n";
  }
};

} // namespace

std::unique_ptr<Reporter> make_html_reporter() { return std::make_unique<HtmlReporter>(); }

} // namespace darkscan
