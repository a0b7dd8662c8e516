// The HTML report's charts: pages' shares with their ranges and labelled bars as HTML and CSS (they
// reflow at any width), and the daily trend as SVG. Markup and coordinates are plain; every word and
// number people read is in their language.
#include <darkscan/common/i18n.hpp>
#include <darkscan/report/html_charts.hpp>
#include <darkscan/report/html_text.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan::html {

namespace {

constexpr std::size_t k_chart_pages = 20; // bars in a page chart; the table lists all `top`
constexpr std::size_t k_label_bytes = 56;

} // namespace

// Horizontal bars: each page's share with its 95% range. HTML and CSS, not SVG, so that labels and
// figures reflow at any width instead of being scaled down or clipped (`.brow` in k_style).
void page_chart(const std::vector<PageRow>& rows, std::string& out) {
  const std::size_t n = std::min(rows.size(), k_chart_pages);
  if (n == 0) {
    out += note(tr(N_("No page had visits in this period.")));
    return;
  }
  out += R"(<div class="chart pages" role="img" aria-label=")" + // not for translation
         ha(N_("Dark-social share of the top pages, with 95% ranges")) + R"(">)";
  for (std::size_t i = 0; i < n; ++i) {
    const PageRow& r = rows[i];
    if (!r.estimate.known) continue; // no bar: nothing is known (the table says n/a)
    const ShareEstimate& e = r.estimate;
    out += fmt::format(
        // not for translation: markup
        R"(<div class="brow"><div class="lab">{}</div><div class="track"><div class="bar" style="width:{:.1f}%"></div>)"
        R"(<div class="range" style="left:{:.1f}%;width:{:.1f}%"></div></div>)" // not for translation
        R"(<div class="fig">{} <span class="muted">{}</span></div></div>)",     // not for translation
        h(util::shorten(r.path, k_label_bytes)), e.share * 100, e.low * 100, (e.high - e.low) * 100,
        pct(e.share),
        // TRANSLATORS: after a page's share: its 95% range and its visits, "(38.2%–85.0%) of 13 visits".
        format_trn("({}–{}) of {} visit", "({}–{}) of {} visits", r.stats->visits, pct(e.low), pct(e.high),
                   count(r.stats->visits)));
  }
  out += "</div>\n";
}

// One labelled bar per item, scaled to the largest (HTML bars, as page_chart).
void bar_list(std::string_view css, std::string_view label,
              const std::vector<std::pair<std::string, std::uint64_t>>& items, std::uint64_t total,
              std::string& out) {
  std::uint64_t max = 1;
  for (const auto& [name, n] : items)
    max = std::max(max, n);
  // not for translation: markup
  out += fmt::format(R"(<div class="chart {}" role="img" aria-label="{}">)", css, h(label));
  for (const auto& [name, n] : items) {
    out += fmt::format(
        // not for translation: markup
        R"(<div class="brow"><div class="lab">{}</div><div class="track"><div class="bar" style="width:{:.1f}%"></div></div>)"
        R"(<div class="fig">{}{}</div></div>)", // not for translation
        h(name), static_cast<double>(n) * 100 / static_cast<double>(max), count(n),
        // not for translation: markup
        total ? " <span class=\"muted\">(" + pct(static_cast<double>(n) / static_cast<double>(total)) +
                    ")</span>"
              : "");
  }
  out += "</div>\n";
}

// "2026-12-01" as "1 Dec": a day no reader takes for 12 January.
std::string day_label(std::string_view label) {
  // TRANSLATORS: months, abbreviated, after the day of the month in the daily chart ("1 Dec").
  static constexpr const char* k_months[] = {N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"),
                                             N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
                                             N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec")};
  if (label.size() != 10 || label[4] != '-' || label[7] != '-') return std::string(label);
  const int month = (label[5] - '0') * 10 + (label[6] - '0'), day = (label[8] - '0') * 10 + (label[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(label);
  return fmt::format("{} {}", day, tr(k_months[month - 1]));
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
      // not for translation: markup
      R"(<svg class="chart trend" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">)",
      left + slot * static_cast<int>(days.size()), height, left + slot * static_cast<int>(days.size()),
      height, ha(N_("Visits and estimated dark-social visits per day")));
  out += fmt::format(
      // not for translation: markup
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
    // English keeps its plural for one visit too, as it always has.
    out += fmt::format(
        R"(<g class="day{}"><title>{}</title>)", partial ? " partial" : "",
        h(format_trn("{}{}: {} visits, {} estimated dark social ({})",
                     "{}{}: {} visits, {} estimated dark social ({})", t.visits, day_label(days[i].label),
                     partial ? tr(N_(" (partial: the log covers only part of this day)")) : "",
                     count(t.visits), dark_text(e), share_text(e))));
    // not for translation: markup
    out += fmt::format(R"(<rect class="bar visits" x="{}" y="{:.1f}" width="{}" height="{:.1f}"/>)", x + 1,
                       plot_h - hv, slot - 2, hv);
    // not for translation: markup
    out += fmt::format(R"(<rect class="bar" x="{}" y="{:.1f}" width="{}" height="{:.1f}"/>)", x + 1,
                       plot_h - hd, slot - 2, hd);
    if (partial) {
      // TRANSLATORS: under a day's bar: the log covers only part of that day.
      out += fmt::format(R"(<text class="muted" x="{}" y="{:.1f}">{}</text>)", x + 1, // not for translation
                         std::max(12.0, plot_h - hv - 4), tr(N_("partial")));
    }
    if (i % label_every == 0) {
      // not for translation: markup
      out += fmt::format(R"(<text class="muted" x="{}" y="{}">{}</text>)", x + 1, plot_h + 18,
                         h(day_label(days[i].label)));
    }
    out += "</g>";
  }
  out += "</svg>\n";
}

} // namespace darkscan::html
