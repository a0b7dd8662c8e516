// HTML: one self-contained page for people who will never open a TSV: inline
// CSS and SVG charts, no script, no external request (a Content-Security-Policy
// forbids them), every string from the log escaped as text. Its words are in the
// user's language (<html lang>), and so are the numbers people read; the numbers
// of coordinates and styles are plain.
#include <darkscan/common/i18n.hpp>
#include <darkscan/report/html_charts.hpp>
#include <darkscan/report/html_text.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/report/report_advice.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

namespace {

using namespace html;

// not for translation: CSS
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

// The inputs that could not be read (in full): a report of what was read is not a quiet day.
void input_errors(const ScanTotals& s, std::string& out) {
  std::string items;
  for (const InputStats& in : s.inputs)
    if (!in.error.empty()) items += "<li>" + h(in.error.local) + "</li>";
  if (items.empty()) return;
  out += R"(<div class="warn" id="errors"><strong>)" + // not for translation
         std::string(tr(N_("Incomplete: some input was not read."))) + "</strong><ul>" + items +
         "</ul></div>\n";
}

// The run's notes (a site guessed, lines left out, a few visitors who start many visits...): the
// HTML goes to people who never see the run's standard error (an agency's review, 2026-12-07: a
// client's report said nothing of what the notes said).
void notes_section(const ScanTotals& s, std::string& out) {
  if (s.notes.empty()) return;
  out += R"(<details class="note" id="notes" open><summary>)" + // not for translation
         format_tr(N_("Notes on this report ({})"), number_text(s.notes.size())) + "</summary><ul>";
  for (const Message& note : s.notes)
    out += "<li>" + h(note.local) + "</li>";
  out += "</ul></details>\n";
}

void tiles(const ReportData& data, std::string& out) {
  const TrafficTotals& t = data.total.totals();
  const ShareEstimate e = data.estimate(data.total);
  const std::vector<AppShare> apps = apps_by_visits(data.total, data.public_apps);
  const AppShare top = apps.empty() ? AppShare{} : apps.front();
  auto tile = [&](std::string_view key, const std::string& value, std::string_view note) {
    out += fmt::format(
        // not for translation: markup
        R"(<div class="tile"><div class="k">{}</div><div class="v">{}</div><div class="n">{}</div></div>)",
        key, value, note);
  };
  out += R"(<section class="tiles" id="summary">)"; // not for translation
  // English keeps its plural for one too ("1 page views"), as it always has.
  tile(tr(N_("Visits")), count(t.visits),
       format_trn("{} page views", "{} page views", t.page_views, count(t.page_views)));
  tile(tr(N_("Dark-social share (estimate)")), share_text(e),
       e.known ? format_tr(N_("95% range {} to {}"), pct(e.low), pct(e.high))
       : e.no_visits && (data.since || data.until)
           ? std::string(tr(N_("no visits in the window asked for (--since, --until)")))
       : e.no_visits && data.scan.lines == 0 && data.scan.inputs_failed() == 0
           ? std::string(tr(N_("no visits: no line was read (the input is empty)")))
       : e.no_visits && data.scan.lines == 0 ? std::string(tr(N_("no visits: no input could be read")))
       : e.no_visits && data.scan.parsed == 0
           ? std::string(tr(N_("no visits: no line was read as a request")))
       : e.no_visits ? std::string(tr(N_("no visits: only bots, link previews or assets")))
       : e.unknown < e.visits
           ? format_tr(N_("{} of the {} visits cannot be judged: their lines do not record the referrer "
                          "(a tenth is the most an estimate allows)"),
                       count(e.unknown), count(e.visits))
           : std::string(tr(N_("the log does not record referrers"))));
  tile(tr(N_("Estimated dark-social visits")), dark_text(e),
       format_trn("of {} visits with a dark-social sign", "of {} visits with a dark-social sign",
                  t.dark_social_visits, count(t.dark_social_visits)));
  tile(tr(N_("Top app")), top.app.empty() ? std::string(tr(N_("none"))) : h(top.app),
       top.app.empty()
           ? std::string(tr(N_("no previews or in-app visits")))
           : format_trn("{} dark-social visits", "{} dark-social visits", top.visits, count(top.visits)) +
                 ", " +
                 format_trn("{} link previews", "{} link previews", top.previews, count(top.previews)));
  tile(tr(N_("Link previews")), count(t.previews), tr(N_("fetched by chat and social apps")));
  out += "</section>\n";
}

void page_table(const ReportData& data, const ReportPeriod& period, const std::vector<PageRow>& rows,
                std::size_t hidden, std::string& out) {
  out += fmt::format(
      // not for translation: markup
      R"(<table class="pages"><thead><tr><th>{}</th><th class="num">{}</th><th class="num">{}</th><th class="num">{}</th><th class="num">{}</th><th>{}</th><th>{}</th><th class="num">{}</th></tr></thead><tbody>)",
      // TRANSLATORS: the heads of the HTML report's table of pages.
      tr(N_("Page")), tr(N_("Visits")), tr(N_("Dark social")), tr(N_("Share")), tr(N_("95% range")),
      tr(N_("Top app")), tr(N_("Previews")), tr(N_("Page views")));
  for (const PageRow& r : rows) {
    std::string previews;
    for (const auto& [app, n] : ranked(r.stats->previews))
      previews += (previews.empty() ? "" : ", ") + h(app) + " " + count(n);
    out += fmt::format(
        // not for translation: markup
        R"(<tr><td class="path">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td class="num">{}</td></tr>)",
        h(r.path), count(r.stats->visits), dark_text(r.estimate), share_text(r.estimate),
        range_text(r.estimate, "–"), h(data.top_app(*r.stats)), previews, count(r.stats->page_views));
  }
  out += "</tbody></table>\n";
  // Pages beyond --top: said, as the table says them (a review, 2026-12-06: 12 of 14 pages left out
  // without a word).
  const std::size_t listed = listable_pages(period);
  if (rows.size() + hidden < listed) {
    const std::size_t more = listed - rows.size() - hidden;
    out += note(format_trn("{} more page is not listed (--top N lists more).",
                           "{} more pages are not listed (--top N lists more).", more, count(more)));
  }
  if (hidden > 0) {
    // English keeps its plural for one page too, as it always has.
    out += note(format_trn("{} pages with fewer visits than --min-visits are not listed.",
                           "{} pages with fewer visits than --min-visits are not listed.", hidden,
                           count(hidden)));
  }
}

void period_section(const ReportData& data, const ReportPeriod& period, std::string& out) {
  std::size_t hidden = 0;
  const std::vector<PageRow> rows = page_rows(data, period, hidden);
  page_chart(rows, out);
  out += "<details><summary>" + std::string(tr(N_("All listed pages"))) + "</summary>";
  page_table(data, period, rows, hidden, out);
  out += "</details>\n";
}

// What to do next (report_advice.hpp).
void next_steps(const ReportData& data, std::string& out) {
  const Advice a = advice(data);
  if (!a.known || a.dark < 1.0) return;
  out += section("next", N_("What to do next"));
  out += "<p>" +
         format_tr(N_("{} of the estimated dark-social visits came through tagged links: the rest "
                      "is known only by estimate."),
                   pct(a.tagged / a.dark)) +
         "</p>";
  if (!a.tag.empty()) {
    std::string apps;
    for (const AppShare& app : a.apps)
      apps += (apps.empty() ? "" : ", ") + h(app.app);
    // TRANSLATORS: {} are app ids ("whatsapp, facebook, line") and a link's tag
    // ("?utm_source=whatsapp&utm_medium=share").
    const std::string tag_advice = format_tr(N_("People share your pages most through {}. Tag the links "
                                                "shared there, for example <code>{}</code>, and add share "
                                                "buttons that do it."),
                                             apps, h(a.tag));
    out += "<p>" + tag_advice + "</p>";
  }
  if (!a.untagged.empty()) {
    out += "<p>" +
           std::string(tr(N_("These pages are shared privately the most, and none of their visits came "
                             "through a tagged private link: give them a tagged share button first."))) +
           "</p><ul>";
    for (const PageRow& r : a.untagged) {
      // English keeps its plural for one too, as it always has.
      out += fmt::format("<li>{} <span class=\"note\">{}</span></li>", h(r.path), // not for translation
                         format_trn("({} estimated dark-social visits)", "({} estimated dark-social visits)",
                                    whole(r.estimate.dark), dark_text(r.estimate)));
    }
    out += "</ul>";
  }
  out += "</div>\n";
}

// The page explains itself: the person who receives it has no README.
void how_to_read(std::string& out) {
  out += section("about", N_("How to read this report"));
  static constexpr const char* k_paragraphs[] = {
      // TRANSLATORS: HTML: keep the markup (<strong>, <code>); write & < > as &amp; &lt; &gt;.
      N_("<strong>Dark social</strong> is a visit that came from a link shared in a private channel: "
         "a chat (WhatsApp, Messenger, Telegram, Signal…), an e-mail, a text message or a direct "
         "message. Such a visit usually arrives without saying where it came from, so web analytics "
         "count it as \"direct\". This report estimates it from the site's access logs."),
      // TRANSLATORS: HTML: keep the markup (<strong>, <code>); write & < > as &amp; &lt; &gt;.
      N_("<strong>Share</strong>: the part of a page's visits estimated to come from private "
         "sharing. <strong>95% range</strong>: where the true share lies, given how few visits a page "
         "has and how uncertain each sign is; a page with few visits has a wide range."),
      // TRANSLATORS: HTML: keep the markup (<strong>, <code>); write & < > as &amp; &lt; &gt;.
      N_("The signs, from surest to weakest: a visit from a chat app, in its own browser or named as "
         "referrer (Messenger, WhatsApp…); a link tagged for a private channel "
         "(<code>utm_source=whatsapp</code>); a visit "
         "from a webmail or mail app; a visit without referrer within the hour after a chat app fetched "
         "the page to show a link preview (less so up to two days later); a visit without referrer from a "
         "social app's browser (a direct message "
         "or a feed click); a visit without referrer straight onto an article, not the home page (a "
         "shared link, or a bookmark or typed address: the report weighs how often each happens on this "
         "site)."),
      N_("Each sign counts with a weight from 0 to 1; the estimate is the sum. Robots and link "
         "previews are not visits."),
  };
  for (const char* paragraph : k_paragraphs)
    out += "<p>" + std::string(tr(paragraph)) + "</p>";
  out += "</div>\n";
}

// The page's head, its title and the line under it: what was read, when.
void page_head(const ReportData& data, std::string& out) {
  const ScanTotals& s = data.scan;
  std::string site;
  for (const auto& host : data.site_hosts)
    site += (site.empty() ? "" : ", ") + host;
  const std::string read = s.first_time == Hit::k_no_time ? std::string(tr(N_("no timestamps")))
                                                          : local_span(s.first_time, s.last_time);
  const std::string span = data.since || data.until ? format_tr(N_("Period {} · lines read {}"),
                                                                local_span(data.since, data.until), read)
                                                    : format_tr(N_("Lines read {}"), read);
  // not for translation: markup
  out += R"(<!DOCTYPE html>
<html lang=")" +
         h(i18n::language()) +
         // not for translation: markup
         R"("><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="darkscan )" +
         h(data.version) + "\">\n";
  const std::string title = site.empty() ? std::string(tr(N_("Dark-social report")))
                                         : format_tr(N_("Dark-social report: {}"), site);
  out += "<title>" + h(title) + "</title>\n<style>";
  out += k_style;
  out += "</style></head>\n<body><main>\n<h1>" + h(title) + "</h1>\n";
  // English keeps its plurals for one too ("1 lines", "1 malformed"), as it always has.
  const std::string malformed =
      s.malformed ? format_trn(", {} malformed", ", {} malformed", s.malformed, count(s.malformed))
                  : std::string();
  out += R"(<p class="sub">)" +
         format_trn("{} · {} lines{} · the share of visits that came through private channels (chats, mail), "
                    "estimated from access logs",
                    "{} · {} lines{} · the share of visits that came through private channels (chats, mail), "
                    "estimated from access logs",
                    s.lines, h(span), count(s.lines), malformed) +
         "</p>";
  out += '\n';
}

// Visits and estimated dark-social visits per day, when the report covers more than one.
void trend_section(const ReportData& data, std::string& out) {
  if (data.trend.size() > 1) {
    out += section("trend", N_("Daily trend"));
    trend_chart(data, out);
    out += note(tr(N_("Grey: visits. Colour: estimated dark-social visits. A day marked "
                      "\"partial\" is covered by the log for part of it only."))) +
           "</div>";
    out += '\n';
  }
}

// The pages with the most estimated dark-social visits: one block per period with --by.
void pages_section(const ReportData& data, std::string& out) {
  out += R"(<h2 id="pages">)" + std::string(tr(N_("Top pages by estimated dark-social visits"))) + "</h2>";
  out += note(tr(N_("Bar: the page's dark-social share; line: its 95% range (narrow with many visits, wide "
                    "with few).")));
  if (data.by_period) {
    for (std::size_t i = 0; i < data.periods.size(); ++i) {
      const ReportPeriod& p = data.periods[i];
      const TrafficTotals& pt = p.traffic->totals();
      // English keeps its plural for one visit too, as it always has.
      // not for translation: markup
      out += fmt::format(R"(<details class="period"{}><summary>{}</summary><div class="card">)",
                         i + 1 == data.periods.size() ? " open" : "",
                         format_trn("{}{}: {} visits, {} dark social", "{}{}: {} visits, {} dark social",
                                    pt.visits, h(p.label),
                                    p.partial ? tr(N_(" (partial: the log covers part of it)")) : "",
                                    count(pt.visits), share_text(data.estimate(*p.traffic))));
      period_section(data, p, out);
      out += "</div></details>\n";
    }
  } else {
    out += R"(<div class="card">)"; // not for translation
    period_section(data, data.periods.front(), out);
    out += "</div>\n";
  }
}

// Visits by channel.
void channels_section(const ReportData& data, std::string& out) {
  const TrafficTotals& t = data.total.totals();
  out += section("channels", N_("Where visits came from"));
  // TRANSLATORS: "Dark-social signs" is the channel so named in the chart under this note.
  const char* legend = tr(N_("Each visit counted once, in its channel. \"Dark-social signs\" counts "
                             "every visit with any sign of a private share, whole: the estimate above "
                             "weighs each sign."));
  out += note(legend);
  std::vector<std::pair<std::string, std::uint64_t>> channels;
  for (std::size_t c = 0; c < k_channel_count; ++c) {
    if (t.channels[c].visits)
      channels.emplace_back(channel_label(static_cast<Channel>(c)), t.channels[c].visits);
  }
  std::sort(channels.begin(), channels.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  if (channels.empty()) {
    out += note(tr(N_("No visits.")));
  } else {
    bar_list("channels", tr(N_("Visits by channel")), channels, t.visits, out);
  }
  out += "</div>\n";
}

// The site model's fitted parts, when the log records referrers.
void model_section(const ReportData& data, std::string& out) {
  const TrafficTotals& t = data.total.totals();
  if (data.model.valid && share_known(t.visits, t.unknown())) {
    const auto lines = model_lines(data.model);
    out += section("model", N_("Site model"));
    out += "<p>" +
           std::string(
               tr(N_("Arrivals without a referrer on a deep page are private shares or bookmarks, typed "
                     "addresses and lost referrers; those from a social app's browser are direct messages "
                     "or feed clicks; those after a Facebook fetch follow a Messenger share or a public "
                     "post. Their private part is fitted on this report's own pages where they allow it:"))) +
           "</p>";
    out += "<p>" + format_tr(N_("New visitors: {}"), h(lines[0])) + "</p>";
    out += "<p>" + format_tr(N_("Returning visitors: {}"), h(lines[1])) + "</p>";
    out +=
        "<p>" +
        format_tr(N_("In social apps' browsers (Facebook, Instagram…: a direct message or a feed click): {}"),
                  h(lines[2])) +
        "</p>";
    out += "<p>" +
           format_tr(N_("After a preview that serves private and public shares alike (Facebook's fetcher: "
                        "Messenger or a post): {}"),
                     h(lines[3])) +
           "</p>";
    out +=
        note(tr(N_("On each page, such arrivals count as private in proportion to the page's signed private "
                   "arrivals (messenger in-app browsers, share tags, clicks after a chat's link preview) "
                   "against its public ones (search, social, links), with rates fitted on all the pages. "
                   "For new visitors the range also allows every arrival that public traffic does not "
                   "explain to be private."))) +
        "</div>";
    out += "\n";
  }
}

// Link-preview fetches by app.
void previews_section(const ReportData& data, std::string& out) {
  const TrafficTotals& t = data.total.totals();
  out += section("previews", N_("Link previews by app"));
  std::vector<std::pair<std::string, std::uint64_t>> previews;
  for (const auto& [app, n] : ranked(t.previews_by_app))
    previews.emplace_back(std::string(app), n);
  if (previews.empty()) {
    out +=
        note(tr(N_("No link-preview fetches: no page was pasted into a chat in this period, or the log has "
                   "no user agents.")));
  } else {
    bar_list("previews", tr(N_("Link-preview fetches by app")), previews, 0, out);
    out +=
        note(tr(N_("A chat or social app fetches a page to show a preview when someone pastes its link.")));
  }
  out += "</div>\n";
}

class HtmlReporter final : public Reporter {
private:
  void render(const ReportData& data, std::string& out, const PageDone& /*top pages only*/) const override {
    page_head(data, out);
    input_errors(data.scan, out);
    tiles(data, out);
    notes_section(data.scan, out);
    trend_section(data, out);
    pages_section(data, out);
    channels_section(data, out);
    model_section(data, out);
    previews_section(data, out);
    next_steps(data, out);
    how_to_read(out);
    out += "<footer>" + format_tr(N_("Made by darkscan {} from the site's access logs."), h(data.version)) +
           "</footer>\n";
    out += "</main></body></html>\n";
  }
};

} // namespace

std::unique_ptr<Reporter> make_html_reporter() { return std::make_unique<HtmlReporter>(); }

} // namespace darkscan
