#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/site_model.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/report/report_advice.hpp>

#include "model_weights.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

using namespace darkscan;
using darkscan::test::k_inapp;
using darkscan::test::k_new;
using darkscan::test::k_returning;
using darkscan::test::rules_weights;

namespace {

// Pages of every mix of messenger arrivals, public ones and referrer-less deep arrivals.
Aggregate site(int pages, int scale) {
  Aggregate a;
  for (int i = 0; i < pages; ++i) {
    PageStats& p = a.page("/p" + std::to_string(i));
    p.evidence[k_inapp] = static_cast<std::uint64_t>(scale * (i % 7));
    p.evidence[k_new] = static_cast<std::uint64_t>(scale * (2 * (i % 7) + i % 3));
    p.evidence[k_returning] = static_cast<std::uint64_t>(i % 4);
    const auto pub = static_cast<std::uint64_t>(scale * 20 * (i % 5));
    p.visits = p.page_views = pub + p.evidence[k_inapp] + p.evidence[k_new] + p.evidence[k_returning];
  }
  return a;
}

ReportData report_of(const ScanTotals& scan, const Aggregate& total) {
  return ReportData{scan,
                    total,
                    {{"", &total}},
                    false,
                    static_cast<std::size_t>(-1),
                    0,
                    "test",
                    {},
                    {},
                    rules_weights(),
                    EstimateSettings{},
                    {},
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    {},
                    {}};
}

void check_same(const EvidenceSums& a, const EvidenceSums& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    CHECK(a[i] == b[i]); // the same bits: the same pages weighed in the same order
}

} // namespace

TEST_CASE("report data: fit() weighs the report's pages once, as the model and the sums made afresh",
          "[report][model]") {
  const ScanTotals scan{};
  const Aggregate a = site(40, 10);
  ReportData d = report_of(scan, a);
  d.fit();
  const SiteModel m = fit_site_model(a, EstimateSettings{}, rules_weights());
  REQUIRE(m.fitted[0]);
  REQUIRE(d.total_sums);
  for (std::size_t k = 0; k < SiteModel::k_kinds; ++k) {
    CHECK(d.model.fitted_share[k] == m.fitted_share[k]);
    // Read from the report's sums, not from a pass of their own: the same number.
    CHECK(d.model.applied_share[k] == m.applied_share[k]);
  }
  CHECK(d.model.applied_share[0] != d.model.site_share[0]);

  const ReportData::Sums kept = *d.total_sums;
  d.total_sums.reset();
  const ReportData::Sums fresh = d.sums(a);
  check_same(kept.value, fresh.value);
  check_same(kept.low, fresh.low);
  check_same(kept.high, fresh.high);
  check_same(kept.arrivals, fresh.arrivals);
  check_same(kept.candidates, fresh.candidates);
  CHECK(kept.arrivals[k_new] > 0);

  SECTION("another aggregate (a period) is summed over its own pages") {
    d.total_sums = kept;
    const Aggregate half = site(20, 10);
    const ReportData::Sums period = d.sums(half);
    CHECK(period.arrivals[k_new] < kept.arrivals[k_new]);
    CHECK(period.arrivals[k_new] > 0);
  }
}

TEST_CASE("report: streamed to a file as it is rendered, every format is what write() renders whole",
          "[report]") {
  const ScanTotals scan{};
  // Pages enough for several megabytes of JSON: Output flushes every MiB, so the JSON object's
  // commas and brackets must come out right across flushes.
  Aggregate a;
  for (int i = 0; i < 20000; ++i) {
    PageStats& p = a.page("/news/2026/11/a-long-enough-path-for-a-real-site-" + std::to_string(i));
    p.evidence[k_new] = static_cast<std::uint64_t>(1 + i % 5);
    p.visits = p.page_views = p.evidence[k_new] + static_cast<std::uint64_t>(i % 11);
  }
  ReportData d = report_of(scan, a);
  d.fit();
  test::TempDir dir;
  // The formats that stream (the table and HTML render whole, by Reporter's own stream()).
  for (const char* name : {"json", "ndjson", "tsv", "csv"}) {
    INFO(name);
    const auto reporter = make_reporter(name, false);
    std::string whole;
    reporter->write(d, whole);
    const std::string path = dir.path(std::string("report.") + name);
    Output out(path);
    reporter->stream(d, out);
    out.finish();
    std::ifstream in(path, std::ios::binary);
    std::stringstream streamed;
    streamed << in.rdbuf();
    CHECK(streamed.str().size() == whole.size());
    CHECK(streamed.str() == whole);
  }
}

TEST_CASE("report: a page's top app and the site's apps leave out signs of public posts", "[report]") {
  PublicApps public_apps;
  public_apps.previewers = {"linkedin", "twitter"};
  public_apps.networks = {"facebook", "twitter"};
  PageStats page;
  add_app(page.previews, "twitter", 3);
  add_app(page.previews, "whatsapp", 1);
  CHECK(page.top_app() == "twitter"); // every preview counted
  CHECK(page.top_app(public_apps) == "whatsapp");
  add_app(page.apps, "facebook", 4); // in Facebook's browser without referrer: 0.4 private at most
  CHECK(page.top_app(public_apps) == "whatsapp");
  add_app(page.previews, "facebook", 2); // Facebook's fetcher, for posts and Messenger alike
  CHECK(page.top_app(public_apps) == "whatsapp");
  PageStats posted;
  add_app(posted.previews, "linkedin", 2);
  CHECK(posted.top_app(public_apps).empty()); // no sign of a private share: no top app
  add_app(posted.apps, "linkedin"); // a dark-social arrival in LinkedIn's browser (a message) counts
  CHECK(posted.top_app(public_apps) == "linkedin");

  Aggregate a;
  a.page("/a") = page;
  a.page("/b") = posted;
  add_app(a.mutable_totals().previews_by_app, "twitter", 3);
  add_app(a.mutable_totals().previews_by_app, "whatsapp", 1);
  add_app(a.mutable_totals().previews_by_app, "linkedin", 2);
  const auto names = [&](const PublicApps& filter) {
    std::vector<std::string> out;
    for (const AppShare& app : apps_by_visits(a, filter))
      out.emplace_back(app.app);
    return out;
  };
  CHECK(names(public_apps) == std::vector<std::string>{"linkedin", "whatsapp"});
  CHECK(names({}) == std::vector<std::string>{"facebook", "linkedin", "twitter", "whatsapp"});
}
