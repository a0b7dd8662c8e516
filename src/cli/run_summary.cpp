#include <darkscan/cli/run_summary.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace darkscan {

namespace {

// Megabytes for people: "0.1 MB", "0,1 Mo".
std::string megabytes_text(double bytes, int decimals) {
  return format_tr(N_("{} MB"), decimal_text(bytes / 1e6, decimals));
}

} // namespace

void print_run_summary(const ScanTotals& t, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(t.bytes) / seconds : 0.0;
  std::string out = "darkscan: ";
  // TRANSLATORS: the run summary: "{inputs}, {lines} ({megabytes}) in {seconds} s ({megabytes}/s):
  // {parsed}, {malformed}", each count from the messages below.
  out += format_tr(N_("{}, {} ({}) in {} s ({}/s): {}, {}"),
                   message_n("{} input", "{} inputs", t.inputs.size(), t.inputs.size()),
                   message_n("{} line", "{} lines", t.lines, number_text(t.lines)),
                   megabytes_text(static_cast<double>(t.bytes), 1), decimal_text(seconds, 2),
                   megabytes_text(rate, 0),
                   // TRANSLATORS: lines parsed (English has one form for any count).
                   message_n("{} parsed", "{} parsed", t.parsed, number_text(t.parsed)),
                   // TRANSLATORS: lines malformed (English has one form for any count).
                   message_n("{} malformed", "{} malformed", t.malformed, number_text(t.malformed)));
  if (t.empty) {
    out += ", ";
    // TRANSLATORS: empty lines (English has one form for any count).
    out += format_trn("{} empty", "{} empty", t.empty, number_text(t.empty));
  }
  if (t.not_records) {
    out += ", ";
    out += format_trn("{} not requests (W3C directives, JSON records of another kind)",
                      "{} not requests (W3C directives, JSON records of another kind)", t.not_records,
                      number_text(t.not_records));
  }
  if (t.overlapping) {
    out += ", ";
    out += format_trn("{} left out as already in the state", "{} left out as already in the state",
                      t.overlapping, number_text(t.overlapping));
  }
  std::uint64_t skipped = 0;
  for (const InputStats& in : t.inputs)
    skipped += in.skipped_lines;
  if (skipped) {
    // TRANSLATORS: follows the run summary; keep the leading "; " (French: narrow no-break space before ';').
    out += format_trn("; {} line read by earlier runs skipped", "; {} lines read by earlier runs skipped",
                      skipped, number_text(skipped));
  }
  out += '\n';
  if (!t.examples.empty()) {
    out += "darkscan: ";
    out += t.malformed > t.examples.size()
               ? format_trn("first {} malformed line:", "first {} malformed lines:", t.examples.size(),
                            t.examples.size())
               : std::string(tr("malformed lines:"));
    out += '\n';
    for (const MalformedLine& m : t.examples) {
      out += fmt::format("  {}:{}: {}\n", util::escape_for_terminal(m.file), m.line, m.reason.local);
    }
  }
  std::fputs(out.c_str(), stderr);
}

void print_merge_summary(const ScanTotals& totals, std::size_t states, double seconds) {
  const Message summary =
      // TRANSLATORS: the merge summary: "merged {states} ({lines}, {parsed}, {malformed}) in {seconds}
      // s", each count from the run summary's messages.
      message_n("merged {} state ({}, {}, {}) in {} s", "merged {} states ({}, {}, {}) in {} s", states,
                states, message_n("{} line", "{} lines", totals.lines, number_text(totals.lines)),
                message_n("{} parsed", "{} parsed", totals.parsed, number_text(totals.parsed)),
                message_n("{} malformed", "{} malformed", totals.malformed, number_text(totals.malformed)),
                decimal_text(seconds, 2));
  std::fputs(("darkscan: " + summary.local + '\n').c_str(), stderr);
}

} // namespace darkscan
