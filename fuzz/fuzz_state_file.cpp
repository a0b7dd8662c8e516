// Fuzz target: the state file reader (decode_state) and what a run or a merge
// does with what it read. A state's checksum stops random damage, but a file
// that was written by someone else (a forged or buggy one) reaches the decoder
// with a valid checksum: that is the input here.
//
// Input: byte 0 even: the rest is a payload, wrapped in a valid header and
// checksum, of the current format version less bits 1 to 3 of byte 0 (older
// formats are read and packed again: state_traffic_sections.cpp); byte 0 odd:
// the rest is the whole file as it is. Checks: no memory
// error or exception other than darkscan::Error; a state that decodes encodes
// to bytes that decode to a state that encodes the same (canonical form); it
// merges with itself and reports by hour, day and in total (pending arrivals
// decided) in JSON that parses as our own JSON checks expect.
#include "output_checks.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/util/hash.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

const darkscan::Rules& rules() {
  static const darkscan::Rules loaded = [] {
    try {
      return darkscan::Rules::load({darkscan::Rules::default_dir()});
    } catch (const darkscan::Error& e) {
      std::fprintf(stderr, "fuzz_state_file: cannot load rules: %s\n", e.what());
      std::abort();
    }
  }();
  return loaded;
}

// The file for a payload: magic, version (the current one less `older`), size, payload, checksum
// (state_file.cpp).
std::string wrap(std::string_view payload, std::uint32_t older) {
  const std::string empty = darkscan::encode_state(darkscan::State{});
  std::uint32_t version = 0;
  for (int i = 0; i < 4; ++i)
    version |= static_cast<std::uint32_t>(static_cast<unsigned char>(empty[16 + i])) << (8 * i);
  version -= older;
  std::string out(empty.substr(0, 16)); // magic
  for (int i = 0; i < 4; ++i)
    out += static_cast<char>((version >> (8 * i)) & 0xff);
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((payload.size() >> (8 * i)) & 0xff);
  out += payload;
  const std::uint64_t sum = darkscan::state_checksum(version, payload);
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((sum >> (8 * i)) & 0xff);
  return out;
}

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_state_file: %s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string file = (data[0] & 1) ? std::string(rest) : wrap(rest, (data[0] >> 1) & 7u);
  darkscan::NamePool names;
  darkscan::State state;
  try {
    state = darkscan::decode_state(file, "fuzz.state", rules(), names);
  } catch (const darkscan::Error&) {
    return 0; // refused, as it should be when it does not check out
  }
  const std::string once = darkscan::encode_state(state);
  darkscan::State again;
  try {
    again = darkscan::decode_state(once, "again.state", rules(), names);
  } catch (const darkscan::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    finding("a state we encoded does not decode");
  }
  if (darkscan::encode_state(again) != once) finding("encoding is not canonical");

  // What a run and a merge do with it.
  darkscan::State copy = again;
  state.merge(std::move(copy));
  for (const darkscan::PeriodKind by :
       {darkscan::PeriodKind::none, darkscan::PeriodKind::day, darkscan::PeriodKind::hour}) {
    darkscan::PeriodSplitter periods = state.report_periods(by, std::nullopt, std::nullopt);
    const darkscan::Aggregate total = periods.total();
    std::vector<darkscan::ReportPeriod> list;
    for (const auto& [start, slice] : periods.slices())
      list.push_back({slice.period.label, &slice.traffic});
    if (list.empty()) list.push_back({"", &total});
    const darkscan::ScanTotals totals = state.counters.totals();
    darkscan::ReportData report{totals,
                                total,
                                std::move(list),
                                by != darkscan::PeriodKind::none,
                                50,
                                0,
                                "fuzz",
                                state.site_hosts,
                                {},
                                rules().weights(),
                                rules().settings(),
                                {},
                                std::nullopt,
                                std::nullopt,
                                std::nullopt,
                                {},
                                rules().public_apps()};
    report.fit(); // as a report is made: the site model fitted, the pages weighed once
    std::string json;
    darkscan::make_reporter("json", false)->write(report, json);
    darkscan::fuzz::check_json(json);
  }
  state.forget_old(0);
  (void)darkscan::encode_state(state);
  return 0;
}
