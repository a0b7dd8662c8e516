// TSV: one header line, one page per line, for sort/cut/awk/column -t.
#include <darkscan/report.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

namespace darkscan {

namespace {

class TsvReporter final : public Reporter {
public:
  void write(const ReportData& data, std::string& out) const override {
    out += "path\thits\n";
    for (const auto& [path, hits] : data.pages.top(data.top)) {
      util::append_tsv_field(out, path);
      out += fmt::format("\t{}\n", hits);
    }
  }
};

} // namespace

std::unique_ptr<Reporter> make_tsv_reporter() { return std::make_unique<TsvReporter>(); }

} // namespace darkscan
