#pragma once

#include <darkscan/report/report.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// An app people share pages through: the dark-social visits it brought and its link previews,
// counted apart (a preview is a robot's fetch, not a visit).
struct AppShare {
  std::string_view app;
  std::uint64_t visits = 0, previews = 0;
};

// The apps of `traffic` by dark-social visits; ties go to the app with more previews (the surer
// sign of a private share), then by name; apps with previews only come last, by previews. What
// `public_apps` says is no sign of a private share is not counted, and an app left with nothing is
// left out.
std::vector<AppShare> apps_by_visits(const Aggregate& traffic, const PublicApps& public_apps = {});

// What to do next, computed from the report (the advice the dark-social literature ends with:
// tag the links people share, add share buttons that do it, watch what is shared privately).
struct Advice {
  static constexpr std::size_t k_pages = 5, k_apps = 3;
  bool known = false;            // false when the log has no referrers: no advice on a share
  double dark = 0.0;             // estimated dark-social visits
  double tagged = 0.0;           // of which through tagged links (utm_source=whatsapp...)
  std::vector<PageRow> untagged; // most estimated dark social and no tagged private arrival
  std::vector<AppShare> apps;    // apps the dark-social arrivals came through (apps_by_visits) whose
                                 // share_tag the rules count as private (not a public network's)
  std::string tag;               // "?utm_source=whatsapp&utm_medium=share": the first app's; empty
                                 // when `apps` is
};

// The advice for the whole report (`data.total`).
Advice advice(const ReportData& data);

} // namespace darkscan
