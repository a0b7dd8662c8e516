// Table: for people at a terminal. Log text is escaped so that no control
// sequence from a log reaches the screen.
#include <darkscan/report.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

constexpr std::size_t k_path_width = 70;

class TableReporter final : public Reporter {
public:
  explicit TableReporter(bool colour) : m_colour(colour) {}

  void write(const ReportData& data, std::string& out) const override {
    const ScanTotals& t = data.totals;
    out += heading("Summary");
    auto row = [&](std::string_view label, std::uint64_t value) {
      out += fmt::format("  {:<18}{:>14}\n", label, util::group_thousands(value));
    };
    row("lines", t.lines);
    row("parsed", t.parsed);
    row("malformed", t.malformed);
    if (t.empty) row("empty", t.empty);
    if (t.invalid_requests) row("invalid requests", t.invalid_requests);
    row("page hits", data.pages.total());
    row("distinct pages", data.pages.size());
    if (t.first_time != Hit::k_no_time) {
      out += fmt::format("  {:<18}{} .. {}\n", "time span", format_utc(t.first_time), format_utc(t.last_time));
    }
    for (const InputStats& in : t.inputs) {
      out += fmt::format("  {:<18}{}{}\n", "input", util::escape_for_terminal(in.name),
                         in.format.empty() ? std::string(" (not read)")
                                           : fmt::format(" ({}, {}, {} lines)", in.format, in.codec,
                                                         util::group_thousands(in.lines)));
    }

    const auto rows = data.pages.top(data.top);
    out += '\n';
    out += heading(rows.size() < data.pages.size()
                       ? fmt::format("Top {} of {} pages by hits", rows.size(), data.pages.size())
                       : std::string("Pages by hits"));
    out += fmt::format("  {:>10}  {}\n", "hits", "path");
    for (const auto& [path, hits] : rows) {
      out += fmt::format("  {:>10}  {}\n", util::group_thousands(hits),
                         util::escape_for_terminal(util::shorten(path, k_path_width)));
    }
  }

private:
  std::string heading(std::string_view title) const {
    return m_colour ? fmt::format("\x1b[1m{}\x1b[0m\n", title) : fmt::format("{}\n", title);
  }

  bool m_colour;
};

} // namespace

std::unique_ptr<Reporter> make_table_reporter(bool colour) { return std::make_unique<TableReporter>(colour); }

} // namespace darkscan
