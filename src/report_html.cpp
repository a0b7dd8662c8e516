// HTML: one self-contained page for people who will never open a TSV: inline
// CSS and SVG charts, no script, no external request (a Content-Security-Policy
// forbids them), every string from the log escaped as text.
#include <darkscan/report.hpp>
#include <darkscan/report_advice.hpp>
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
svg .bar{fill:var(--dark)}svg .bar.visits{fill:var(--grey)}.axis{stroke:var(--line)}svg.trend{max-width:none}code{overflow-wrap:anywhere}
.chart.pages,.chart.channels,.chart.previews{display:grid;grid-template-columns:minmax(0,2fr) minmax(100px,2fr) max-content;gap:6px 10px;align-items:center}
.brow{display:contents}.brow .lab{overflow-wrap:anywhere;text-align:right}.brow .fig{white-space:nowrap;font-variant-numeric:tabular-nums}.muted{color:var(--muted)}
.track{position:relative;height:16px;background:#eef0f6;border-radius:2px}.track .bar{position:absolute;left:0;top:0;bottom:0;background:var(--dark);border-radius:2px}
.track .range{position:absolute;top:7px;height:2px;background:var(--range)}.track .range::before,.track .range::after{content:"";position:absolute;top:-5px;height:12px;width:2px;background:var(--range)}
.track .range::before{left:0}.track .range::after{right:0}
@media (max-width:640px){.chart.pages,.chart.channels,.chart.previews{grid-template-columns:minmax(0,1fr);gap:2px}.brow .lab{text-align:left;margin-top:8px}.brow .fig{white-space:normal}}
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
// Visits are whole: an estimate is shown rounded (JSON keeps its fraction).
std::string dark_text(const ShareEstimate& e) {
  return e.known ? count(static_cast<std::uint64_t>(std::max(0.0, e.dark) + 0.5)) : "n/a";
}

// The inputs that could not be read (in full): a report of what was read is not a quiet day.
void input_errors(const ScanTotals& s, std::string& out) {
  std::string items;
  for (const InputStats& in : s.inputs)
    if (!in.error.empty()) items += "<li>" + h(in.error.local) + "</li>";
  if (items.empty()) return;
  out += R"(<div class="warn" id="errors"><strong>Incomplete: some input was not read.</strong><ul>)" +
         items + "</ul></div>\n";
}

void tiles(const ReportData& data, std::string& out) {
  const TrafficTotals& t = data.total.totals();
  const ShareEstimate e = data.estimate(data.total);
  const std::vector<AppShare> apps = apps_by_visits(data.total);
  const AppShare top = apps.empty() ? AppShare{} : apps.front();
  auto tile = [&](std::string_view key, const std::string& value, const std::string& note) {
    out += fmt::format(
        R"(<div class="tile"><div class="k">{}</div><div class="v">{}</div><div class="n">{}</div></div>)",
        key, value, note);
  };
  out += R"(<section class="tiles" id="summary">)";
  tile("Visits", count(t.visits), count(t.page_views) + " page views");
  tile("Dark-social share (estimate)", share_text(e),
       e.known ? "95% range " + range_text(e, " to ") : "the log does not record referrers");
  tile("Estimated dark-social visits", dark_text(e),
       "of " + count(t.dark_social_visits) + " visits with a dark-social sign");
  tile("Top app", top.app.empty() ? "none" : h(top.app),
       top.app.empty()
           ? "no previews or in-app visits"
           : count(top.visits) + " dark-social visits, " + count(top.previews) + " link previews");
  tile("Link previews", count(t.previews), "fetched by chat and social apps");
  out += "</section>\n";
}

// Horizontal bars: each page's share with its 95% range. HTML and CSS, not SVG, so that labels and
// figures reflow at any width instead of being scaled down or clipped (`.brow` in k_style).
void page_chart(const std::vector<PageRow>& rows, std::string& out) {
  const std::size_t n = std::min(rows.size(), k_chart_pages);
  if (n == 0) {
    out += R"(<p class="note">No page had visits in this period.</p>)";
    return;
  }
  out +=
      R"(<div class="chart pages" role="img" aria-label="Dark-social share of the top pages, with 95% ranges">)";
  for (std::size_t i = 0; i < n; ++i) {
    const PageRow& r = rows[i];
    if (!r.estimate.known) continue; // no bar: nothing is known (the table says n/a)
    const ShareEstimate& e = r.estimate;
    out += fmt::format(
        R"(<div class="brow"><div class="lab">{}</div><div class="track"><div class="bar" style="width:{:.1f}%"></div>)"
        R"(<div class="range" style="left:{:.1f}%;width:{:.1f}%"></div></div>)"
        R"(<div class="fig">{} <span class="muted">({}–{}) of {} visit{}</span></div></div>)",
        h(util::shorten(r.path, k_label_bytes)), e.share * 100, e.low * 100, (e.high - e.low) * 100,
        pct(e.share), pct(e.low), pct(e.high), count(r.stats->visits), r.stats->visits == 1 ? "" : "s");
  }
  out += "</div>\n";
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

// One labelled bar per item, scaled to the largest (HTML bars, as page_chart).
void bar_list(std::string_view css, std::string_view label,
              const std::vector<std::pair<std::string, std::uint64_t>>& items, std::uint64_t total,
              std::string& out) {
  std::uint64_t max = 1;
  for (const auto& [name, n] : items)
    max = std::max(max, n);
  out += fmt::format(R"(<div class="chart {}" role="img" aria-label="{}">)", css, label);
  for (const auto& [name, n] : items) {
    out += fmt::format(
        R"(<div class="brow"><div class="lab">{}</div><div class="track"><div class="bar" style="width:{:.1f}%"></div></div>)"
        R"(<div class="fig">{}{}</div></div>)",
        h(name), static_cast<double>(n) * 100 / static_cast<double>(max), count(n),
        total ? " <span class=\"muted\">(" + pct(static_cast<double>(n) / static_cast<double>(total)) +
                    ")</span>"
              : "");
  }
  out += "</div>\n";
}

// "2026-12-01" as "1 Dec": a day no reader takes for 12 January.
std::string day_label(std::string_view label) {
  static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (label.size() != 10 || label[4] != '-' || label[7] != '-') return std::string(label);
  const int month = (label[5] - '0') * 10 + (label[6] - '0'), day = (label[8] - '0') * 10 + (label[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(label);
  return fmt::format("{} {}", day, k_months[month - 1]);
}

// Visits (grey) and estimated dark-social visits (colour) per day; days the log covers in part
// are marked, so that a last day of a few hours does not read as a collapse.
void trend_chart(const ReportData& data, std::string& out) {
  const std::vector<ReportPeriod>& days = data.trend;
  constexpr int height = 220, plot_h = 170, left = 50, width = 1000;
  // At most 64 px a day: a week stays a small chart that fits a phone, a quarter fills the width.
  const int slot = std::clamp((width - left) / static_cast<int>(days.size()), 6, 64);
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
    const bool partial = days[i].partial;
    out += fmt::format(R"(<g class="day{}"><title>{}{}: {} visits, {} estimated dark social ({})</title>)",
                       partial ? " partial" : "", h(day_label(days[i].label)),
                       partial ? " (partial: the log covers only part of this day)" : "", count(t.visits),
                       dark_text(e), share_text(e));
    out += fmt::format(R"(<rect class="bar visits" x="{}" y="{:.1f}" width="{}" height="{:.1f}"/>)", x + 1,
                       plot_h - hv, slot - 2, hv);
    out += fmt::format(R"(<rect class="bar" x="{}" y="{:.1f}" width="{}" height="{:.1f}"/>)", x + 1,
                       plot_h - hd, slot - 2, hd);
    if (partial) {
      out += fmt::format(R"(<text class="muted" x="{}" y="{:.1f}">partial</text>)", x + 1,
                         std::max(12.0, plot_h - hv - 4));
    }
    if (i % label_every == 0) {
      out += fmt::format(R"(<text class="muted" x="{}" y="{}">{}</text>)", x + 1, plot_h + 18,
                         h(day_label(days[i].label)));
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

// What to do next (report_advice.hpp).
void next_steps(const ReportData& data, std::string& out) {
  const Advice a = advice(data);
  if (!a.known || a.dark < 1.0) return;
  out += R"(<h2 id="next">What to do next</h2><div class="card">)";
  out += fmt::format("<p>{} of the estimated dark-social visits came through tagged links: the rest "
                     "is known only by estimate.</p>",
                     pct(a.tagged / a.dark));
  if (!a.apps.empty()) {
    std::string apps;
    for (const AppShare& app : a.apps)
      apps += (apps.empty() ? "" : ", ") + h(app.app);
    out += fmt::format("<p>People share your pages most through {}. Tag the links shared there, for "
                       "example <code>{}</code>, and add share buttons that do it.</p>",
                       apps, h(share_tag(a.apps.front().app)));
  }
  if (!a.untagged.empty()) {
    out += "<p>These pages are shared privately the most, and none of their visits came through a "
           "tagged private link: give them a tagged share button first.</p><ul>";
    for (const PageRow& r : a.untagged)
      out += fmt::format("<li>{} <span class=\"note\">({} estimated dark-social visits)</span></li>",
                         h(r.path), dark_text(r.estimate));
    out += "</ul>";
  }
  out += "</div>\n";
}

// The page explains itself: the person who receives it has no README.
void how_to_read(std::string& out) {
  out += R"(<h2 id="about">How to read this report</h2><div class="card">)";
  out += "<p><strong>Dark social</strong> is a visit that came from a link shared in a private channel: "
         "a chat (WhatsApp, Messenger, Telegram, Signal…), an e-mail, a text message or a direct "
         "message. Such a visit usually arrives without saying where it came from, so web analytics "
         "count it as \"direct\". This report estimates it from the site's access logs.</p>";
  out += "<p><strong>Share</strong>: the part of a page's visits estimated to come from private "
         "sharing. <strong>95% range</strong>: where the true share lies, given how few visits a page "
         "has and how uncertain each sign is; a page with few visits has a wide range.</p>";
  out += "<p>The signs, from surest to weakest: a visit from a chat app's own browser (Messenger, "
         "WhatsApp…); a link tagged for a private channel (<code>utm_source=whatsapp</code>); a visit from "
         "a webmail or mail app; a visit without referrer shortly after a chat app fetched the page to "
         "show a link preview; a visit without referrer from a social app's browser (a direct message or "
         "a feed click); a visit without referrer straight onto an article, not the home page (a shared "
         "link, or a bookmark or typed address: the report weighs how often each happens on this "
         "site).</p>";
  out += "<p>Each sign counts with a weight from 0 to 1; the estimate is the sum. Robots and link "
         "previews are not visits.</p></div>\n";
}

class HtmlReporter final : public Reporter {
public:
  void write(const ReportData& data, std::string& out) const override {
    const ScanTotals& s = data.scan;
    const TrafficTotals& t = data.total.totals();
    std::string site;
    for (const auto& host : data.site_hosts)
      site += (site.empty() ? "" : ", ") + host;
    const std::string read =
        s.first_time == Hit::k_no_time ? std::string("no timestamps") : local_span(s.first_time, s.last_time);
    const std::string span = data.since || data.until
                                 ? "Period " + local_span(data.since, data.until) + " · lines read " + read
                                 : "Lines read " + read;
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
        R"(<p class="sub">{} · {} lines{} · the share of visits that came through private channels (chats, mail), estimated from access logs</p>)",
        h(span), count(s.lines), s.malformed ? ", " + count(s.malformed) + " malformed" : std::string());
    out += '\n';
    input_errors(s, out);
    tiles(data, out);

    if (data.trend.size() > 1) {
      out += R"(<h2 id="trend">Daily trend</h2><div class="card">)";
      trend_chart(data, out);
      out += R"(<p class="note">Grey: visits. Colour: estimated dark-social visits. A day marked )"
             R"("partial" is covered by the log for part of it only.</p></div>)";
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
            R"(<details class="period"{}><summary>{}{}: {} visits, {} dark social</summary><div class="card">)",
            i + 1 == data.periods.size() ? " open" : "", h(p.label),
            p.partial ? " (partial: the log covers part of it)" : "", count(pt.visits),
            share_text(data.estimate(*p.traffic)));
        period_section(data, p, out);
        out += "</div></details>\n";
      }
    } else {
      out += R"(<div class="card">)";
      period_section(data, data.periods.front(), out);
      out += "</div>\n";
    }

    out += R"(<h2 id="channels">Where visits came from</h2><div class="card">)";
    out += R"(<p class="note">Each visit counted once, in its channel. "Dark-social signs" counts every )"
           R"(visit with any sign of a private share, whole: the estimate above weighs each sign.</p>)";
    std::vector<std::pair<std::string, std::uint64_t>> channels;
    for (std::size_t c = 0; c < k_channel_count; ++c) {
      if (t.channels[c].visits)
        channels.emplace_back(channel_label(static_cast<Channel>(c)), t.channels[c].visits);
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

    next_steps(data, out);
    how_to_read(out);
    out += "<footer>Made by darkscan " + h(data.version) + " from the site's access logs.</footer>\n";
    out += "</main></body></html>\n";
  }
};

} // namespace

std::unique_ptr<Reporter> make_html_reporter() { return std::make_unique<HtmlReporter>(); }

} // namespace darkscan
