#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/rules_dirs.hpp>
#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/cli/merge_command.hpp>
#include <darkscan/cli/report_request.hpp>
#include <darkscan/cli/run_state.hpp>
#include <darkscan/cli/run_summary.hpp>
#include <darkscan/cli/terminal.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/report/report_writer.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/file_identity.hpp>
#include <darkscan/util/file_lock.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace darkscan {

// `darkscan merge STATE...`: shard states combined, in time order, into one
// report (and, with --state-out, one state).
int run_merge(const CommandLine& opts) {
  const bool to_terminal = to_standard_output(opts.output) && ::isatty(STDOUT_FILENO) == 1;
  std::string format = opts.output_format;
  const std::string named = // throws on a compressed file's name, and an office file's without -F
      format_of_name(opts.output, !opts.output_format.empty());
  if (format.empty()) format = named;
  if (format.empty()) format = to_terminal ? "table" : "tsv";
  const auto reporter =
      make_reporter(format, to_terminal && colour_allowed(), to_terminal ? terminal_columns() : 0);
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const auto [since, until, by] = report_window(opts, now);
  ReportRequest request = report_request(opts, format, to_terminal, since, until, by);
  check_report_output(request, now); // before any state is read
  // The report onto a state it merges, or onto the merged state: one would be lost (a robustness
  // review, 2026-12-06: `merge -o s.state s.state` replaced the state with a report).
  for (const std::string& state : opts.merge_states) {
    if (util::same_target(opts.output, state))
      throw Error(message(N_("{} '{}' is the input '{}': it would be replaced; write elsewhere"), "-o",
                          opts.output, state));
  }
  refuse_report_onto_state(opts); // merge has no --state: --state-out only
  request.keep = opts.merge_states;
  if (!opts.state_out.empty()) request.keep.push_back(opts.state_out);
  if (!opts.state_keep.empty() && opts.state_out.empty())
    throw Error(translated(N_("merge: --state-keep goes with --state-out")));
  const std::int64_t keep = // not for translation: the option's name
      opts.state_keep.empty() ? 0 : parse_duration_arg("--state-keep", opts.state_keep);
  // Before any state is read, as a run's (a review, 2026-12-06: the report was written, then the
  // merged state could not be).
  if (!opts.state_out.empty()) {
    refuse_standard_stream_state(opts);
    refuse_state_onto_other_file(opts.state_out);
    if (const int err = util::folder_error(opts.state_out)) {
      throw Error(message(N_("cannot write the state '{}': its folder '{}': {}"), opts.state_out,
                          util::folder_of(opts.state_out), system_message(err)),
                  ExitCode::cannot_write);
    }
  }
  // The state it replaces may be a nightly run's (merge --state-out S S other): that run would
  // write over the merge, or the merge over its update (a review, 2026-12-07). Its lock, as a run's.
  std::optional<util::FileLock> lock;
  if (!opts.state_out.empty() && !util::written_in_place(opts.state_out))
    lock.emplace(util::final_target(opts.state_out) + ".lock");
  const Rules rules = Rules::load(rules_dirs(opts.rules));
  request.weights = rules.weights(); // a merge weighs with its own --rules, as a run does
  request.settings = rules.settings();
  request.counts_private = [&rules](std::string_view query) { return rules.is_private_tag(query); };
  request.public_apps = rules.public_apps();
  const auto start = std::chrono::steady_clock::now();
  std::vector<Message> notes; // also in the JSON summary (in English), as a run's
  const auto note = [&](const Message& text) {
    notes.push_back(text);
    if (!opts.quiet) print_note(text.local);
  };
  note_whole_hours({since, until, by}, opts, note);
  note_partial_weights(rules, note);

  NamePool names;
  std::vector<InputStats> inputs;
  std::vector<Message> overlaps;
  State merged = merge_state_files(opts.merge_states, rules, names, inputs, overlaps);
  for (const Message& overlap : overlaps)
    note(overlap);
  merged.forget_old(now);
  keep_recent_hours(merged, opts, keep, now, note);
  if (const int minutes = merged.hours_offset_minutes()) note(note_hours_of_another_zone(minutes));

  ScanTotals totals = merged.counters.totals();
  note_window_coverage(totals, since, until, now, note, merged.origin);
  totals.inputs = std::move(inputs);
  totals.notes = std::move(notes);
  totals.window_start = whole_hour(since); // the hours a state counts
  totals.window_end = whole_hour(until);
  PeriodSplitter periods = merged.report_periods(by, since, until);
  std::optional<PeriodSplitter> days;
  if (format == "html") days = merged.report_periods(PeriodKind::day, since, until);
  write_report(request, *reporter, totals, periods, days ? &*days : nullptr, merged.site_hosts, now);
  if (!opts.state_out.empty()) save_state(merged, opts.state_out);
  if (!opts.quiet) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    print_merge_summary(totals, opts.merge_states.size(), seconds);
  }
  return 0;
}

} // namespace darkscan
