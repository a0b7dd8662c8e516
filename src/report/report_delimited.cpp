// TSV and CSV: one header line, one page per line, for sort/cut/awk/column -t
// and for spreadsheets. The same columns in both; only separators and escaping
// differ (TSV escapes tabs and newlines, CSV quotes as RFC 4180 says).
#include <darkscan/report/report.hpp>
#include <darkscan/util/number.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

class DelimitedReporter final : public Reporter {
public:
  using Escape = void (*)(std::string&, std::string_view);
  DelimitedReporter(char separator, const char* line_end, Escape escape)
      : m_sep(separator), m_line_end(line_end), m_escape(escape) {}

private:
  void render(const ReportData& data, std::string& out, const PageDone& page_done) const override {
    std::vector<std::string> header = {"path",  "visits",    "dark_social", "dark_social_visits",
                                       "share", "share_low", "share_high"};
    for (std::size_t e = 0; e < k_evidence_group_count; ++e) {
      header.emplace_back(evidence_group_name(static_cast<EvidenceGroup>(e)));
    }
    for (const char* h : {"previews", "top_app", "page_views"})
      header.emplace_back(h);
    if (data.by_period) header.insert(header.begin(), "period");
    row(out, header);

    for (const ReportPeriod& period : data.periods) {
      std::size_t hidden = 0;
      for (const PageRow& r : page_rows(data, period, hidden)) {
        const PageStats& p = *r.stats;
        std::vector<std::string> cells;
        if (data.by_period) cells.push_back(period.label);
        cells.emplace_back(r.path);
        cells.push_back(std::to_string(p.visits));
        // Empty when the log does not record referrers: nothing is known.
        const ShareEstimate& e = r.estimate;
        cells.push_back(e.counted() ? util::plain_number(e.dark) : "");
        cells.push_back(std::to_string(p.dark_social_visits));
        cells.push_back(e.known ? util::plain_number(e.share) : "");
        cells.push_back(e.known ? util::plain_number(e.low) : "");
        cells.push_back(e.known ? util::plain_number(e.high) : "");
        for (std::uint64_t n : p.groups())
          cells.push_back(std::to_string(n));
        std::string previews;
        const AppCounts apps = ranked(p.previews);
        for (std::size_t i = 0; i < apps.size(); ++i) {
          previews += fmt::format("{}{}:{}", i ? "," : "", apps[i].first, apps[i].second);
        }
        cells.push_back(previews);
        cells.emplace_back(data.top_app(p));
        cells.push_back(std::to_string(p.page_views));
        row(out, cells);
        if (page_done) page_done();
      }
    }
  }

  void row(std::string& out, const std::vector<std::string>& cells) const {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += m_sep;
      m_escape(out, cells[i]);
    }
    out += m_line_end;
  }

  char m_sep;
  const char* m_line_end;
  Escape m_escape;
};

} // namespace

std::unique_ptr<Reporter> make_tsv_reporter() {
  return std::make_unique<DelimitedReporter>('\t', "\n", &util::append_tsv_field);
}

std::unique_ptr<Reporter> make_csv_reporter() {
  return std::make_unique<DelimitedReporter>(',', "\r\n", &util::append_csv_field); // RFC 4180 line ends
}

} // namespace darkscan
