#pragma once

// The HTML report's charts (html_charts.cpp), each appended to `out` as markup.

#include <darkscan/report/report.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace darkscan::html {

// Horizontal bars: the share of each of the first 20 pages of `rows`, with its 95% range; a note
// when there is none.
void page_chart(const std::vector<PageRow>& rows, std::string& out);

// One labelled bar per item, scaled to the largest, with its part of `total` when total is not 0.
void bar_list(std::string_view css, std::string_view label,
              const std::vector<std::pair<std::string, std::uint64_t>>& items, std::uint64_t total,
              std::string& out);

// "2026-12-01" as "1 Dec" (months in the user's language); other labels as they are.
std::string day_label(std::string_view label);

// Visits and estimated dark-social visits per day of `data.trend`, as SVG; days the log covers in
// part are marked.
void trend_chart(const ReportData& data, std::string& out);

} // namespace darkscan::html
