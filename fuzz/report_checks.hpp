#pragma once

// The output side of a run, checked: a VerdictSink that writes every hit with
// the --hits writer and checks each record, and a function that renders a
// report in every format and checks each (output_checks.hpp).

#include "output_checks.hpp"

#include <darkscan/report/hits_writer.hpp>
#include <darkscan/report/output.hpp>
#include <darkscan/report/report.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace darkscan::fuzz {

// Feeds each verdict to `next` (the report counters) and to a --hits writer
// (with --explain), checks every record as it is written, then moves it to
// `records`, so nothing reaches standard output.
class CheckedHits final : public VerdictSink {
public:
  CheckedHits(VerdictSink& next, bool tsv, std::string& records)
      : m_next(next), m_out(""), m_tsv(tsv), m_records(records),
        m_hits(m_out, tsv ? HitsWriter::Format::tsv : HitsWriter::Format::ndjson, true, "fuzz", true) {
    if (m_tsv) m_header = m_out.buffer();
    m_out.buffer().clear();
  }

  void add(const Hit& hit, const Verdict& verdict) override {
    m_next.add(hit, verdict);
    m_hits.add(hit, verdict);
    std::string& record = m_out.buffer();
    if (m_tsv) {
      check_tsv(m_header + record);
    } else {
      check_ndjson(record);
    }
    m_records += record;
    record.clear();
  }

private:
  VerdictSink& m_next;
  Output m_out; // standard output, but never flushed: the buffer is emptied after each record
  bool m_tsv;
  std::string& m_records;
  std::string m_header;
  HitsWriter m_hits;
};

// Renders `data` in every report format (table without colour), checks each,
// and returns them in the order of k_report_formats.
inline std::vector<std::string> render_and_check(const ReportData& data) {
  std::vector<std::string> reports;
  for (const char* name : k_report_formats) {
    std::string out;
    make_reporter(name, false)->write(data, out);
    const std::string_view format = name;
    if (format == "json") check_json(out);
    else if (format == "ndjson") check_ndjson(out);
    else if (format == "tsv") check_tsv(out);
    else if (format == "csv") check_csv(out);
    else check_table(out);
    reports.push_back(std::move(out));
  }
  return reports;
}

} // namespace darkscan::fuzz
