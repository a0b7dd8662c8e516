#pragma once

#include <darkscan/page_counts.hpp>
#include <darkscan/scan.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace darkscan {

// Everything a report shows. Reporters see only this, never raw lines.
struct ReportData {
  const ScanTotals& totals;
  const PageCounts& pages;
  std::size_t top = static_cast<std::size_t>(-1); // pages to list
  std::string version;
};

// One output format. write() renders the whole report into `out`.
class Reporter {
public:
  virtual ~Reporter() = default;
  virtual void write(const ReportData& data, std::string& out) const = 0;
};

// Output format names accepted by --output-format.
inline constexpr std::string_view k_output_formats[] = {"table", "tsv", "json"};

// The reporter for `name`; throws Error(ExitCode::usage) for an unknown one.
// `colour` applies to the table only.
std::unique_ptr<Reporter> make_reporter(std::string_view name, bool colour);

std::unique_ptr<Reporter> make_table_reporter(bool colour);
std::unique_ptr<Reporter> make_tsv_reporter();
std::unique_ptr<Reporter> make_json_reporter();

// "2026-11-20T08:15:02Z" for UTC seconds since the epoch.
std::string format_utc(std::int64_t seconds);

} // namespace darkscan
