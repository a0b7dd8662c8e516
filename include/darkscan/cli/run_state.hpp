#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/cli/options.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/util/file_lock.hpp>
#include <darkscan/visits/analyzer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace darkscan {

// A run's state (--state, --state-out): opened before any log is read, the analyzer and the scanner
// going on from it, this run recorded in it after the scan.

// Throws Error (usage) on --state - or --state-out -: a state is a file.
void refuse_standard_stream_state(const CommandLine& opts);

// Throws Error (usage) when `state_out` is a file that holds something other than a state.
void refuse_state_onto_other_file(const std::string& state_out);

// Throws Error (usage) when -o names the file of --state or --state-out: the report and the state
// would replace each other (a robustness review, 2026-12-06: `--state s -o s` lost the report).
void refuse_report_onto_state(const CommandLine& opts);

// The state of --state (loaded if the file exists, `lock` taken on it) or a new one for --state-out;
// nullptr without either. Throws Error when the state cannot be read, or could not be saved after
// the run.
std::unique_ptr<State> open_state(const CommandLine& opts, const Rules& rules, NamePool& names,
                                  std::unique_ptr<util::FileLock>& lock);

// The run's site hosts: --site, else those the state (if any) was kept for. With a note when --site
// names none of the state's: the two sites' counts would be added up as one site's, and the report
// would name the last one only (a review, 2026-12-07). Hosts compare as SiteHosts compares them
// (case, "www.").
std::vector<std::string> run_sites(const CommandLine& opts, const State* state,
                                   const std::function<void(const Message&)>& note);

// The analyzer and the scanner go on from where the state's last run stopped: its visitors and
// previews move to the analyzer.
void resume_from_state(State& state, Analyzer& analyzer, ScanOptions& scan_options, const CommandLine& opts,
                       std::int64_t now);

// This run's visitors, previews and counts by hour (`counts`) added to the state; what is too old is
// forgotten. After analyzer.finish(): the analyzer sends no more verdicts.
void record_run(State& state, Analyzer& analyzer, const Scanner& scanner, PeriodSplitter&& counts,
                std::int64_t now);

// --state-keep: the seconds it gives, 0 without it. Throws Error on a value that is not a duration,
// or without --state (before any log is read).
std::int64_t state_keep_seconds(const CommandLine& opts);
// Drops the state's hours older than `keep` (State::keep_last), and says how many in a note.
void keep_recent_hours(State& state, const CommandLine& opts, std::int64_t keep, std::int64_t now,
                       const std::function<void(const Message&)>& note);

} // namespace darkscan
