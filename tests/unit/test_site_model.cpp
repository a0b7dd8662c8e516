#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/estimate.hpp>
#include <darkscan/estimate/site_model.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

using namespace darkscan;

namespace {

constexpr auto k_new = static_cast<std::size_t>(Evidence::direct_deep_new);
constexpr auto k_returning = static_cast<std::size_t>(Evidence::direct_deep_returning);
constexpr auto k_inapp = static_cast<std::size_t>(Evidence::inapp_messaging);

Weights rules_weights() {
  Weights w{};
  w[k_new] = {0.8, 0.55, 0.95};
  w[k_returning] = {0.4, 0.15, 0.7};
  w[k_inapp] = {1.0, 0.9, 1.0};
  return w;
}

// A page with `signed` messenger arrivals, `pub` public ones (search...), and referrer-less deep
// arrivals of new visitors: `per_signed` per signed one plus `per_public` per public one.
void add_page(Aggregate& a, const std::string& key, std::uint64_t signed_, std::uint64_t pub,
              double per_signed, double per_public) {
  PageStats& p = a.page(key);
  p.evidence[k_inapp] = signed_;
  p.evidence[k_new] = static_cast<std::uint64_t>(per_signed * static_cast<double>(signed_) +
                                                 per_public * static_cast<double>(pub) + 0.5);
  p.visits = signed_ + pub + p.evidence[k_new];
  p.page_views = p.visits;
}

} // namespace

TEST_CASE("site model: the private part of referrer-less arrivals is fitted on the site's pages",
          "[estimate][model]") {
  Aggregate a;
  // Shared pages and searched pages in every mix: 2 default-browser clicks per in-app one, and a
  // bookmark visit per 10 public arrivals.
  for (int i = 0; i < 40; ++i)
    add_page(a, "/p" + std::to_string(i), static_cast<std::uint64_t>(5 * (i % 7)),
             static_cast<std::uint64_t>(20 * (i % 5)), 2.0, 0.1);
  const SiteModel m = fit_site_model(a, EstimateSettings{}, rules_weights());
  REQUIRE(m.fitted[0]);
  CHECK(m.signed_rate[0] == Approx(2.0).epsilon(0.05));
  CHECK(m.public_rate[0] == Approx(0.1).epsilon(0.1));
  CHECK(m.pages[0] == 40 - 2); // pages with no arrivals at all (i = 0, 35) are no evidence
  SECTION("the site's part for new visitors is in the form of a page's: what public traffic leaves") {
    double all_y = 0, all_o = 0;
    for (const auto& [key, p] : a.pages()) {
      const WeightedCounts c = effective_evidence(p, p, EstimateSettings{}, 0.5, false);
      all_y += c[k_new], all_o += public_arrivals(p, c);
    }
    const double site = (all_y - m.public_rate[0] * all_o) / all_y;
    CHECK(m.site_share[0] == Approx((38 * site + 10 * 0.8) / (38 + 10)));
  }
  SECTION("a page shared only privately: its referrer-less arrivals are private") {
    const PageStats& shared = a.pages().at("/p5"); // 25 in-app, 0 public
    const Weights w = page_weights(
        m, shared, effective_evidence(shared, shared, EstimateSettings{}, 0.5, false), rules_weights());
    CHECK(w[k_new].value > 0.9);
    // The width weights.rules gives, widened by the page's own uncertainty (its 50 referrer-less
    // arrivals of new visitors, the site's 10 pseudo-arrivals).
    const double v = w[k_new].value, spread = 1.96 * std::sqrt(v * (1 - v) / (50 + 10 + 1));
    CHECK(w[k_new].low == Approx(v - std::hypot(0.25, spread)).epsilon(1e-3));
    CHECK(w[k_new].high == Approx(std::min(1.0, v + std::hypot(0.15, spread))).epsilon(1e-3));
    CHECK(w[k_new].low < v - 0.25);
  }
  SECTION("a page with more evidence gets a narrower weight range") {
    const auto width = [&](const PageStats& p) {
      const Weights w =
          page_weights(m, p, effective_evidence(p, p, EstimateSettings{}, 0.5, false), rules_weights());
      return w[k_new].high - w[k_new].low;
    };
    // The same mix, ten times the arrivals.
    Aggregate two;
    add_page(two, "/small", 5, 20, 2.0, 0.1);
    add_page(two, "/large", 50, 200, 2.0, 0.1);
    CHECK(width(two.pages().at("/large")) < width(two.pages().at("/small")) - 0.02);
  }
  SECTION("a page only searched: they are bookmarks") {
    const PageStats& searched = a.pages().at("/p21"); // 0 in-app, 20 public
    const Weights w = page_weights(
        m, searched, effective_evidence(searched, searched, EstimateSettings{}, 0.5, false), rules_weights());
    CHECK(w[k_new].value < m.site_share[0]);
  }
  SECTION("new visitors' arrivals beyond what public traffic brings are private; returning ones' are not") {
    // The same site, each page's referrer-less arrivals coming from new and returning visitors alike.
    Aggregate both;
    for (const auto& [key, page] : a.pages()) {
      PageStats& p = both.page(key);
      p = page;
      p.evidence[k_returning] = p.evidence[k_new];
      p.visits += p.evidence[k_new];
    }
    const SiteModel mb = fit_site_model(both, EstimateSettings{}, rules_weights());
    REQUIRE(mb.fitted[0]);
    REQUIRE(mb.fitted[1]);
    // A page shared in ways that leave no signature: 10 public arrivals explain 1 of its 30.
    PageStats quiet;
    quiet.evidence[k_new] = quiet.evidence[k_returning] = 30;
    quiet.visits = quiet.page_views = 70;
    const Weights w = page_weights(
        mb, quiet, effective_evidence(quiet, quiet, EstimateSettings{}, 0.5, false), rules_weights());
    CHECK(w[k_new].value > mb.site_share[0]);
    CHECK(w[k_new].value == Approx((29.0 / 30 * 30 + 10 * mb.site_share[0]) / 40).epsilon(0.05));
    // Returning visitors may have bookmarked it: without signed arrivals, less than the site's part.
    CHECK(w[k_returning].value < mb.site_share[1]);
  }
  SECTION("a weight set in --rules is taken as given, the other still fitted") {
    EstimateSettings given;
    given.weight_given[k_new] = true;
    const SiteModel s = fit_site_model(a, given, rules_weights());
    CHECK_FALSE(s.fitted[0]);
    CHECK(s.given[0]);
    CHECK(s.applied_share[0] == Approx(0.8));
    const PageStats& p = a.pages().at("/p5");
    CHECK(page_weights(s, p, effective_evidence(p, p, given, 0.5, false), rules_weights())[k_new].value ==
          Approx(0.8));
  }
  SECTION("the applied share is what the pages' weights make of the site's arrivals") {
    double weighed = 0, all = 0;
    for (const auto& [key, p] : a.pages()) {
      const WeightedCounts c = effective_evidence(p, p, EstimateSettings{}, 0.5, false);
      weighed += c[k_new] * page_weights(m, p, c, rules_weights())[k_new].value;
      all += c[k_new];
    }
    REQUIRE(all > 0);
    CHECK(m.applied_share[0] == Approx(weighed / all));
    CHECK(m.applied_share[0] != Approx(m.site_share[0])); // not the prior of a page
  }
  SECTION("too few pages: the weights of the rules") {
    Aggregate small;
    add_page(small, "/a", 5, 5, 1.0, 0.1);
    const SiteModel s = fit_site_model(small, EstimateSettings{}, rules_weights());
    CHECK_FALSE(s.fitted[0]);
    CHECK(s.site_share[0] == Approx(0.8));
  }
  SECTION("no page with signed private arrivals: their rate cannot be told, the rules' weights stand") {
    Aggregate blog;
    for (int i = 0; i < 40; ++i)
      add_page(blog, "/p" + std::to_string(i), 0, static_cast<std::uint64_t>(10 + i), 0.0, 0.2);
    const SiteModel s = fit_site_model(blog, EstimateSettings{}, rules_weights());
    CHECK_FALSE(s.fitted[0]);
    CHECK(s.site_share[0] == Approx(0.8));
    const PageStats& p = blog.pages().at("/p3");
    CHECK(page_weights(s, p, effective_evidence(p, p, EstimateSettings{}, 0.5, false), rules_weights())[k_new]
              .value == Approx(0.8));
  }
  SECTION("landing pages are left out of the fit") {
    Aggregate with_home;
    with_home.merge(a);
    PageStats& home = with_home.page("/");
    home.visits = home.page_views = 10000;
    home.evidence[static_cast<std::size_t>(Evidence::direct_landing)] = 2000;
    const SiteModel s = fit_site_model(with_home, EstimateSettings{}, rules_weights());
    CHECK(s.public_rate[0] == Approx(m.public_rate[0]));
  }
  SECTION("a default model changes nothing") {
    const PageStats& p = a.pages().at("/p5");
    CHECK(page_weights(SiteModel{}, p, WeightedCounts{}, rules_weights())[k_new].value == Approx(0.8));
  }
}

TEST_CASE("site model: in-app social arrivals are direct messages or feed clicks, fitted the same way",
          "[estimate][model]") {
  constexpr auto k_social = static_cast<std::size_t>(Evidence::inapp_social_noref);
  Weights w = rules_weights();
  w[k_social] = {0.4, 0.1, 0.7};
  Aggregate a;
  // Feed clicks come with public traffic (1 per 5 public arrivals), direct messages with private
  // shares (1 per 10 signed ones): on this site such arrivals are mostly public.
  for (int i = 0; i < 40; ++i) {
    const auto signed_ = static_cast<std::uint64_t>(10 * (i % 7)), pub = static_cast<std::uint64_t>(20 * (i % 5));
    add_page(a, "/p" + std::to_string(i), signed_, pub, 2.0, 0.1);
    PageStats& p = a.page("/p" + std::to_string(i));
    p.evidence[k_social] = static_cast<std::uint64_t>(0.1 * static_cast<double>(signed_) +
                                                      0.2 * static_cast<double>(pub) + 0.5);
    p.visits += p.evidence[k_social];
  }
  const SiteModel m = fit_site_model(a, EstimateSettings{}, w);
  REQUIRE(m.fitted[2]);
  CHECK(m.signed_rate[2] == Approx(0.1).margin(0.03));
  CHECK(m.public_rate[2] == Approx(0.2).margin(0.03));
  CHECK(m.applied_share[2] < 0.4);
  const PageStats& searched = a.pages().at("/p21"); // 0 signed, 20 public
  const PageStats& shared = a.pages().at("/p5");    // 50 signed, 0 public
  auto weight = [&](const PageStats& p) {
    return page_weights(m, p, effective_evidence(p, p, EstimateSettings{}, 0.5, false), w)[k_social].value;
  };
  CHECK(weight(searched) < m.site_share[2]);
  CHECK(weight(shared) > 0.8);
  SECTION("a landing page has such arrivals too: in their fit, not in that of deep arrivals") {
    Aggregate with_home;
    with_home.merge(a);
    PageStats& home = with_home.page("/");
    home.evidence[static_cast<std::size_t>(Evidence::direct_landing)] = 100;
    home.evidence[k_social] = 4;
    home.visits = home.page_views = 124;
    const SiteModel h = fit_site_model(with_home, EstimateSettings{}, w);
    CHECK(h.pages[2] == m.pages[2] + 1);
    CHECK(h.pages[0] == m.pages[0]);
  }
}

TEST_CASE("site model: how far a page is drawn to the site's part is read from how much pages differ",
          "[estimate][model]") {
  constexpr auto k_social = static_cast<std::size_t>(Evidence::inapp_social_noref);
  Weights w = rules_weights();
  w[k_social] = {0.4, 0.1, 0.7};
  // In-app social arrivals: 1 per 10 signed arrivals and 1 per 5 public ones on every page
  // (`alike`), or on pages that are either shared or searched (`apart`).
  const auto site = [&](bool apart) {
    Aggregate a;
    for (int i = 0; i < 60; ++i) {
      const bool shared = i % 2 == 0;
      const auto signed_ = static_cast<std::uint64_t>(apart ? (shared ? 40 + i : 0) : 20 + i % 5);
      const auto pub = static_cast<std::uint64_t>(apart ? (shared ? 0 : 80 + i) : 40 + i % 7);
      add_page(a, "/p" + std::to_string(i), signed_, pub, 2.0, 0.1);
      PageStats& p = a.page("/p" + std::to_string(i));
      p.evidence[k_social] = static_cast<std::uint64_t>(0.1 * static_cast<double>(signed_) +
                                                        0.2 * static_cast<double>(pub) + 0.5);
      p.visits += p.evidence[k_social];
    }
    return a;
  };
  const Aggregate alike_site = site(false), apart_site = site(true);
  const SiteModel alike = fit_site_model(alike_site, EstimateSettings{}, w);
  const SiteModel apart = fit_site_model(apart_site, EstimateSettings{}, w);
  REQUIRE(alike.fitted[2]);
  REQUIRE(apart.fitted[2]);
  // Pages alike: the differences are sampling, the site's part is the best guess for each page.
  CHECK(alike.prior_arrivals[2] == SiteModel::k_max_prior_arrivals);
  // Pages apart: each page's own evidence tells, the site's part is drawn in little.
  CHECK(apart.prior_arrivals[2] < 3);
  CHECK(apart.prior_arrivals[2] >= SiteModel::k_min_prior_arrivals);
  // The form of new visitors' part keeps its fixed pseudo-arrivals.
  CHECK(apart.prior_arrivals[0] == SiteModel::k_excess_prior_arrivals);
  // A page's weight is its own part blended with the site's by those pseudo-arrivals.
  const PageStats& shared = apart_site.pages().at("/p4"); // 44 signed, 0 public: its own part is 1
  const WeightedCounts c = effective_evidence(shared, shared, EstimateSettings{}, 0.5, false);
  const double m = apart.prior_arrivals[2], n = signed_private(c);
  CHECK(page_weights(apart, shared, c, w)[k_social].value ==
        Approx((n * 1.0 + m * apart.site_share[2]) / (n + m)));
}

TEST_CASE("site model: a page's part of new visitors is drawn to the site's as far as its noise asks",
          "[estimate][model]") {
  const Weights w = rules_weights();
  // Referrer-less arrivals of new visitors: 2 per in-app one and 1 per 10 public ones on every page.
  // `alike`: every page has about the same mix, so the same part; `apart`: pages are either shared
  // or searched, and their parts differ from 1 to about 0.
  const auto site = [&](bool apart) {
    Aggregate a;
    for (int i = 0; i < 60; ++i) {
      const bool shared = i % 2 == 0;
      const auto signed_ = static_cast<std::uint64_t>(apart ? (shared ? 10 + i : 1) : 20 + i % 5);
      const auto pub = static_cast<std::uint64_t>(apart ? (shared ? 5 : 100 + i) : 40 + i % 7);
      add_page(a, "/p" + std::to_string(i), signed_, pub, 2.0, 0.1);
    }
    return a;
  };
  const Aggregate alike_site = site(false), apart_site = site(true);
  const SiteModel alike = fit_site_model(alike_site, EstimateSettings{}, w);
  const SiteModel apart = fit_site_model(apart_site, EstimateSettings{}, w);
  REQUIRE(alike.fitted[0]);
  REQUIRE(apart.fitted[0]);
  const auto weight = [&](const SiteModel& m, const PageStats& p) {
    return page_weights(m, p, effective_evidence(p, p, EstimateSettings{}, 0.5, false), w)[k_new].value;
  };
  // Pages alike: their parts differ by no more than the noise; the fixed pseudo-arrivals stand.
  CHECK(alike.spread[0] == 0.0);
  const PageStats& one = alike_site.pages().at("/p3");
  const double y = static_cast<double>(one.evidence[k_new]);
  const double own = (y - alike.public_rate[0] * 43.0) / y; // /p3: 23 in-app, 43 public
  CHECK(weight(alike, one) == Approx((y * own + SiteModel::k_excess_prior_arrivals * alike.site_share[0]) /
                                     (y + SiteModel::k_excess_prior_arrivals)));
  // Pages apart: the spread is told, and each page's m is its noise b·O/y² over it, in arrivals.
  REQUIRE(apart.spread[0] > 0.1);
  const PageStats& searched = apart_site.pages().at("/p7"); // 1 in-app, 107 public
  const double ys = static_cast<double>(searched.evidence[k_new]), base = apart.public_rate[0] * 107.0;
  const double m = std::clamp(base / (ys * apart.spread[0]), SiteModel::k_min_prior_arrivals,
                              SiteModel::k_max_prior_arrivals);
  CHECK(m > SiteModel::k_min_prior_arrivals);
  const double expected = ((ys - base) + m * apart.site_share[0]) / (ys + m);
  CHECK(weight(apart, searched) == Approx(std::clamp(expected, 0.0, 1.0)));
  // A page shared mostly privately has little noise to subtract: its own part is drawn in less
  // than the fixed pseudo-arrivals would.
  const PageStats& shared = apart_site.pages().at("/p50"); // 60 in-app, 5 public
  const double yp = static_cast<double>(shared.evidence[k_new]);
  const double part = (yp - apart.public_rate[0] * 5.0) / yp;
  const double fixed = (yp * part + SiteModel::k_excess_prior_arrivals * apart.site_share[0]) /
                       (yp + SiteModel::k_excess_prior_arrivals);
  CHECK(std::abs(weight(apart, shared) - part) < std::abs(fixed - part));
}
