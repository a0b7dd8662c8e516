#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/estimate.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/report/report.hpp>

#include <catch2/catch.hpp>

#include <cmath>

#include <cstdlib>

using namespace darkscan;

namespace {

// Every weight exact (low = value = high) at `w`.
Weights exact(double w) {
  Weights weights;
  for (WeightRange& r : weights)
    r = {w, w, w};
  return weights;
}

EvidenceCounts counts_of(Evidence e, std::uint64_t n) {
  EvidenceCounts c{};
  c[static_cast<std::size_t>(e)] = n;
  return c;
}

} // namespace

TEST_CASE("estimate: weights are applied to counts when the report is made", "[estimate]") {
  Weights w = exact(0.0);
  w[static_cast<std::size_t>(Evidence::direct_deep_new)] = {0.8, 0.8, 0.8};
  w[static_cast<std::size_t>(Evidence::inapp_messaging)] = {1.0, 1.0, 1.0};
  EvidenceCounts c{};
  c[static_cast<std::size_t>(Evidence::direct_deep_new)] = 10;
  c[static_cast<std::size_t>(Evidence::inapp_messaging)] = 2;
  ShareEstimate e = estimate_share(c, 20, 0, w);
  CHECK(e.known);
  CHECK(e.dark == Approx(10.0));
  CHECK(e.share == Approx(0.5));
  SECTION("exact weights: the range is the sampling doubt of the arrivals that may be private") {
    // 12 arrivals may be private (weight above 0), 10 of them at their mean weight: a count varying
    // as 12·(10/12)·(2/12) + 1.96²/4 = 2.627, so 1.96·1.621 = 3.18 private visits either side of
    // 10, and at most the 12: in whole visits 7 to 12 of the 20.
    CHECK(e.low == Approx(7.0 / 20));
    CHECK(e.high == Approx(12.0 / 20));
    // 8 search arrivals more, which cannot be private, add no doubt: still 7 to 12 private visits.
    const ShareEstimate searched = estimate_share(c, 28, 0, w);
    CHECK(searched.share == Approx(10.0 / 28));
    CHECK(searched.low * 28 == Approx(7.0));
    CHECK(searched.high * 28 == Approx(12.0));
  }
  SECTION("at most all the arrivals that may be private were") {
    EvidenceCounts one{};
    one[static_cast<std::size_t>(Evidence::inapp_messaging)] = 1; // and 2 search visits
    const ShareEstimate third = estimate_share(one, 3, 0, w);
    CHECK(third.share == Approx(1.0 / 3));
    CHECK(third.low == Approx(1.0 / 3)); // of weight 1 at its low end: private for sure
    CHECK(third.high == Approx(1.0 / 3));
  }
  SECTION("no arrival that may be private: none is, for sure") {
    const ShareEstimate none = estimate_share(EvidenceCounts{}, 20, 0, w);
    CHECK(none.share == 0.0);
    CHECK(none.low == 0.0);
    CHECK(none.high == 0.0);
  }
  SECTION("a low end under half a visit is no private visit") {
    EvidenceCounts three{};
    three[static_cast<std::size_t>(Evidence::direct_deep_new)] = 3; // 2.4 of 40 visits
    w[static_cast<std::size_t>(Evidence::direct_deep_new)] = {0.8, 0.7, 0.9};
    const ShareEstimate low = estimate_share(three, 40, 0, w);
    // 2.4 ± 1.96·sqrt(3·0.8·0.2 + 1.96²/4) = 2.4 ± 2.35 visits: 0.05 to 4.75 (at most 3); the
    // weights' ranges (2.1 to 2.7) widen it to 0.03 below, so 0 to 3. (At exactly 0.8 each, at least
    // one of the three is private at 97.5%, Binomial(3, 0.8)'s 2.5th percentile: 1 to 3.)
    CHECK(low.low == 0.0);
    CHECK(low.high * 40 == Approx(3.0));
    w[static_cast<std::size_t>(Evidence::direct_deep_new)] = {0.8, 0.8, 0.8};
    CHECK(estimate_share(three, 40, 0, w).low * 40 == Approx(1.0));
  }
  SECTION("rounding never leaves the share outside its range") {
    for (std::uint64_t visits = 1; visits < 60; ++visits) {
      for (std::uint64_t n = 0; n <= visits; ++n) {
        EvidenceCounts some{};
        some[static_cast<std::size_t>(Evidence::direct_deep_new)] = n;
        const ShareEstimate s = estimate_share(some, visits, 0, w);
        CHECK(s.low <= s.share);
        CHECK(s.share <= s.high);
      }
    }
  }
  SECTION("other weights, same counts: another estimate (the counts hold no weight)") {
    w[static_cast<std::size_t>(Evidence::direct_deep_new)] = {0.4, 0.4, 0.4};
    CHECK(estimate_share(c, 20, 0, w).dark == Approx(6.0));
  }
}

TEST_CASE("estimate: the range holds the weights' own uncertainty", "[estimate]") {
  Weights w = exact(0.0);
  const auto deep = static_cast<std::size_t>(Evidence::direct_deep_new);
  w[deep] = {0.6, 0.6, 0.6};
  const EvidenceCounts c = counts_of(Evidence::direct_deep_new, 1000);
  const ShareEstimate sure = estimate_share(c, 1000, 0, w);
  w[deep] = {0.6, 0.4, 0.9};
  const ShareEstimate unsure = estimate_share(c, 1000, 0, w);
  CHECK(unsure.share == Approx(sure.share));
  // With 1000 arrivals sampling adds about 3 points; the weight range dominates, each side apart.
  CHECK(unsure.low < 0.4);
  CHECK(unsure.low > 0.4 - 0.04);
  CHECK(unsure.high > 0.9);
  CHECK(unsure.high < 0.9 + 0.04);
  CHECK(sure.high - sure.low < 0.07);
  SECTION("a few arrivals of low weight are at most what their high ends allow") {
    // Two typed visits to the home page (0 to 0.1 each) had a range up to 100% (a review, 2026-12-07):
    // at most one of them, Binomial(2, 0.1)'s 97.5th percentile.
    const auto landing = static_cast<std::size_t>(Evidence::direct_landing);
    Weights l = exact(0.0);
    l[landing] = {0.0, 0.0, 0.1};
    const ShareEstimate two = estimate_share(counts_of(Evidence::direct_landing, 2), 2, 0, l);
    CHECK(two.share == 0.0);
    CHECK(two.high == Approx(0.5));
    // Weights of 1 at their high end bound nothing.
    w[deep] = {0.6, 0.4, 1.0};
    const ShareEstimate sure_high = estimate_share(counts_of(Evidence::direct_deep_new, 2), 2, 0, w);
    CHECK(sure_high.high == Approx(1.0));
  }
  SECTION("a few arrivals of high weight are at least what their low ends hold") {
    // Two arrivals from WhatsApp's in-app browser (0.9 to 1.0) and six from Google: the range was 0%
    // to 25% (a first-time user's review, 2026-12-07). At least one of the two is private at 97.5%:
    // Binomial(2, 0.9)'s 2.5th percentile.
    const auto inapp = static_cast<std::size_t>(Evidence::inapp_messaging);
    Weights m = exact(0.0);
    m[inapp] = {0.95, 0.9, 1.0};
    const ShareEstimate eight = estimate_share(counts_of(Evidence::inapp_messaging, 2), 8, 0, m);
    CHECK(eight.share == Approx(0.2375));
    CHECK(eight.low == Approx(0.125));
    CHECK(eight.high == Approx(0.25));
    // Weights of 0 at their low end hold nothing up: the range of a typed deep visit reaches 0.
    w[deep] = {0.6, 0.0, 1.0};
    CHECK(estimate_share(counts_of(Evidence::direct_deep_new, 2), 8, 0, w).low == 0.0);
  }
  SECTION("arrivals without evidence (search, social) weigh 0 for sure") {
    const ShareEstimate diluted = estimate_share(c, 2000, 0, w);
    CHECK(diluted.share == Approx(0.3));
    CHECK(diluted.high - diluted.low == Approx((unsure.high - unsure.low) / 2).epsilon(0.1));
  }
}

TEST_CASE("estimate: a preview fetch explains a few arrivals, not a page's every one", "[estimate]") {
  EstimateSettings settings; // 3 clicks per fetch
  PageStats page;
  page.visits = 100;
  page.evidence[static_cast<std::size_t>(Evidence::direct_deep_after_preview)] = 60;
  page.evidence[static_cast<std::size_t>(Evidence::direct_deep_new)] = 10;
  page.evidence[static_cast<std::size_t>(Evidence::direct_deep_returning)] = 30;
  page.evidence_previews = 10; // explains 30 of the 60
  const WeightedCounts c = effective_evidence(page, page, settings, 0.5, false);
  CHECK(c[static_cast<std::size_t>(Evidence::direct_deep_after_preview)] == Approx(30));
  // The other 30 are judged as without a fetch, in the page's own new:returning proportion (1:3).
  CHECK(c[static_cast<std::size_t>(Evidence::direct_deep_new)] == Approx(10 + 7.5));
  CHECK(c[static_cast<std::size_t>(Evidence::direct_deep_returning)] == Approx(30 + 22.5));
  SECTION("arrivals an hour or more after a fetch count toward its clicks too") {
    page.evidence[static_cast<std::size_t>(Evidence::direct_deep_after_preview)] = 30;
    page.evidence[static_cast<std::size_t>(Evidence::direct_deep_after_preview_late)] = 30;
    const WeightedCounts split = effective_evidence(page, page, settings, 0.5, false);
    CHECK(split[static_cast<std::size_t>(Evidence::direct_deep_after_preview)] == Approx(15));
    CHECK(split[static_cast<std::size_t>(Evidence::direct_deep_after_preview_late)] == Approx(15));
    CHECK(split[static_cast<std::size_t>(Evidence::direct_deep_new)] == Approx(10 + 7.5));
  }
  SECTION("enough fetches: nothing changes") {
    page.evidence_previews = 20;
    CHECK(effective_evidence(page, page, settings, 0.5, false)[static_cast<std::size_t>(
              Evidence::direct_deep_after_preview)] == Approx(60));
  }
  SECTION("a period of the page is judged with the whole page's proportions: periods add up") {
    PageStats day = page;
    for (auto& n : day.evidence)
      n /= 2;
    day.evidence_previews = 0; // the fetches were on another day
    const WeightedCounts half = effective_evidence(day, page, settings, 0.5, false);
    for (std::size_t i = 0; i < k_evidence_count; ++i)
      CHECK(half[i] * 2 == Approx(c[i]));
  }
}

TEST_CASE("estimate: a hub's referrer-less arrivals are direct, as on a landing page", "[estimate]") {
  EstimateSettings settings; // 10 targets, half of the page views lead on
  PageStats front;
  front.page_views = 100;
  front.visits = 40;
  front.evidence[static_cast<std::size_t>(Evidence::direct_deep_new)] = 20;
  for (std::uint32_t t = 1; t <= 12; ++t)
    add_target(front.targets, t);
  front.internal_out = 70;
  CHECK(is_hub(front, settings));
  const WeightedCounts c = effective_evidence(front, front, settings, 0.5, true);
  CHECK(c[static_cast<std::size_t>(Evidence::direct_deep_new)] == 0);
  CHECK(c[static_cast<std::size_t>(Evidence::direct_landing)] == Approx(20));
  SECTION("a page whose own resources load late (lazy images) is no hub") {
    PageStats product = front;
    product.internal_out = 250; // more than two internal requests per view
    CHECK_FALSE(is_hub(product, settings));
  }
  SECTION("an article with a few related links is no hub") {
    PageStats article = front;
    article.internal_out = 20; // most readers leave
    CHECK_FALSE(is_hub(article, settings));
    article = front;
    article.targets.resize(5);
    CHECK_FALSE(is_hub(article, settings));
  }
  SECTION("on a site whose every page leads on to many, a front must stand out") {
    // 30 posts read 20 times, each leading to 12 pages (a blog's related posts), and one front.
    std::vector<PageStats> posts(30, front);
    PageStats wide = front;
    for (std::uint32_t t = 13; t <= 32; ++t)
      add_target(wide.targets, t);
    PageStats rare = front; // read 9 times: not among the pages the median is taken on
    rare.page_views = 9;
    rare.targets.clear();
    PageList pages;
    for (const PageStats& p : posts)
      pages.emplace_back("/post", &p);
    pages.emplace_back("/", &wide);
    for (int i = 0; i < 40; ++i)
      pages.emplace_back("/rare", &rare);
    EstimateSettings site = settings;
    site.hub_min_targets = hub_min_targets_of(pages, site);
    CHECK(site.hub_min_targets == 24); // twice the median of 12
    CHECK_FALSE(is_hub(front, site));
    CHECK(is_hub(wide, site));
    // Turned off, or a site whose median page leads to few: hub_min_targets alone.
    site = settings;
    site.hub_targets_vs_median = 0;
    CHECK(hub_min_targets_of(pages, site) == 10);
    PageStats quiet = front;
    quiet.targets.resize(3);
    PageList few(20, {"/a", &quiet});
    few.emplace_back("/c", &wide);
    CHECK(hub_min_targets_of(few, settings) == 10);
    // Never more than the targets a page keeps; and no median of fewer than 10 pages.
    CHECK(hub_min_targets_of(PageList(10, {"/c", &wide}), settings) == PageStats::k_max_targets);
    CHECK(hub_min_targets_of(PageList(9, {"/c", &wide}), settings) == 10);
  }
}

TEST_CASE("estimate: arrivals whose referrer is not logged", "[estimate]") {
  Weights w = exact(1.0);
  const EvidenceCounts c = counts_of(Evidence::tagged_private, 5);
  SECTION("most of them: nothing is known") {
    const ShareEstimate e = estimate_share(c, 100, 95, w);
    CHECK_FALSE(e.known);
    CHECK_FALSE(estimate_share(EvidenceCounts{}, 100, 100, w).known);
    CHECK_FALSE(estimate_share(c, 100, 10, w).known); // a tenth is already too many
  }
  SECTION("a few: the share is of the known arrivals, the range holds any answer for the others") {
    const ShareEstimate e = estimate_share(c, 100, 5, w);
    CHECK(e.known);
    CHECK(e.share == Approx(5.0 / 95));
    CHECK(e.low <= 5.0 / 100);
    CHECK(e.high >= 10.0 / 100);
  }
  SECTION("no visits: no share (null, n/a), and 0 estimated visits") {
    const ShareEstimate e = estimate_share(EvidenceCounts{}, 0, 0, w);
    CHECK_FALSE(e.known);
    CHECK(e.no_visits);
    CHECK(e.counted());
    CHECK(e.dark == 0.0);
    CHECK_FALSE(estimate_share(c, 100, 5, w).no_visits);
  }
}

TEST_CASE("periods: --since/--until values and --by periods in local time", "[periods]") {
  ::setenv("TZ", "Africa/Lagos", 1); // UTC+1, no daylight saving
  ::tzset();
  const std::int64_t now = 1795158902; // 2026-11-20T07:15:02Z = 08:15:02 in Lagos
  CHECK(parse_time_arg("--since", "2026-11-20", now) == 1795129200);       // local midnight
  CHECK(parse_time_arg("--since", "2026-11-20T08:15", now) == 1795158900); // local time
  CHECK(parse_time_arg("--since", "2026-11-20 08:15:02", now) == 1795158902);
  CHECK(parse_time_arg("--since", "2026-11-20T07:15:02Z", now) == 1795158902); // explicit offset
  CHECK(parse_time_arg("--since", "2026-11-20T09:15:02+02:00", now) == 1795158902);
  // An offset after the minutes, and offsets without a colon (a review, 2026-12-06: refused)
  CHECK(parse_time_arg("--since", "2026-11-20T08:15+01:00", now) == 1795158900);
  CHECK(parse_time_arg("--since", "2026-11-20T07:15Z", now) == 1795158900);
  CHECK(parse_time_arg("--since", "2026-11-20T08:15+0100", now) == 1795158900);
  CHECK(parse_time_arg("--since", "2026-11-20T03:15-04", now) == 1795158900);
  CHECK(parse_time_arg("--since", "2026-11-20T08:15:02+0100", now) == 1795158902);
  CHECK(parse_time_arg("--since", "today", now) == 1795129200);
  CHECK(parse_time_arg("--since", "yesterday", now) == 1795129200 - 86400);
  CHECK(parse_time_arg("--since", "-7d", now) == now - 7 * 86400);
  CHECK(parse_time_arg("--since", "-12h", now) == now - 12 * 3600);
  for (const char* bad :
       {"", "tomorrow", "2026-13-01", "2026-11-20T25:00", "20/11/2026", "-7x", "2026-11-20T08",
        "2026-11-20T08:15+1", "2026-11-20T08:15+01:0", "2026-11-20T08:15+25:00", "2026-11-20T08:15Zulu",
        // days the month does not have (mktime made them 2026-03-02...), numbers of days too long
        // for 64 bits or for seconds (until 2026-12-05)
        "2026-02-30", "2025-02-29", "2026-04-31T10:00", "2026-02-30T00:00:00Z", "-99999999999999999999d",
        "-9999999999999999d"}) {
    INFO(bad);
    CHECK_THROWS(parse_time_arg("--since", bad, now));
  }
  CHECK(parse_time_arg("--since", "2024-02-29", now) == 1709161200); // a leap day, local midnight
  // A leap second at the end of a day is that day's (mktime takes it into the next one).
  CHECK(parse_time_arg("--since", "2016-12-31T23:59:60", now) ==
        parse_time_arg("--since", "2017-01-01", now));
  CHECK(parse_duration_arg("--state-keep", "90d") == 90 * 86400);
  CHECK(parse_duration_arg("--state-keep", "48h") == 48 * 3600);
  CHECK(parse_duration_arg("--state-keep", "12w") == 12 * 7 * 86400);
  for (const char* bad :
       {"", "0d", "30m", "7", "d", "-7d", "7 d", "1.5d", "99999999999999999999d", "11000w"}) {
    INFO(bad);
    CHECK_THROWS(parse_duration_arg("--state-keep", bad));
  }
  Period p = period_of(PeriodKind::day, now);
  CHECK(p.label == "2026-11-20");
  CHECK(p.start == 1795129200);
  CHECK(p.end == 1795129200 + 86400);
  p = period_of(PeriodKind::hour, now);
  CHECK(p.label == "2026-11-20T08");
  CHECK(p.end - p.start == 3600);
  p = period_of(PeriodKind::week, now); // 2026-11-20 is a Friday: the week starts on Monday 16th
  CHECK(p.label == "2026-W47");
  CHECK(p.start == 1795129200 - 4 * 86400);
  p = period_of(PeriodKind::month, now);
  CHECK(p.label == "2026-11");
  CHECK(format_local("out/%Y-%m-%d.tsv", now) == "out/2026-11-20.tsv");
  ::unsetenv("TZ");
  ::tzset();
}

TEST_CASE("periods: the hour lived twice when the clocks go back is two hours, each with its offset",
          "[estimate][periods]") {
  ::setenv("TZ", "Europe/Paris", 1);
  ::tzset();
  const std::int64_t first = 1792886400; // 2026-10-25T00:00Z: 02:00 summer time (UTC+02:00)
  Period a = period_of(PeriodKind::hour, first + 1800);
  Period b = period_of(PeriodKind::hour, first + 3600 + 1800); // 02:30 again, winter time
  CHECK(a.start == first);
  CHECK(a.end == first + 3600);
  CHECK(b.start == first + 3600);
  CHECK(b.end == first + 7200);
  CHECK(a.label == "2026-10-25T02+02:00");
  CHECK(b.label == "2026-10-25T02+01:00");
  CHECK(period_of(PeriodKind::hour, first - 1).label == "2026-10-25T01");
  CHECK(period_of(PeriodKind::hour, first + 7200).label == "2026-10-25T03");
  // The hour skipped in spring: 01:59 then 03:00, each an hour long.
  const Period spring = period_of(PeriodKind::hour, 1774746000 - 1); // 2026-03-29T01:00Z is 03:00 local
  CHECK(spring.label == "2026-03-29T01");
  CHECK(spring.end == 1774746000);
  CHECK(period_of(PeriodKind::hour, 1774746000).label == "2026-03-29T03");
  // Each end of a span in its own offset.
  CHECK(local_span(first - 86400, first + 86400) ==
        "2026-10-24 02:00 to 2026-10-26 01:00 (local time, UTC+02:00 at the start, UTC+01:00 at the end)");
  CHECK(local_span(first + 7200, first + 86400) ==
        "2026-10-25 03:00 to 2026-10-26 01:00 (local time, UTC+01:00)");
  ::unsetenv("TZ");
  ::tzset();
}
