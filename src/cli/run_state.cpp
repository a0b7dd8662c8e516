#include <darkscan/cli/run_state.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/file_identity.hpp>
#include <darkscan/util/time_parse.hpp>
#include <darkscan/visits/site.hpp>

#include <cerrno>
#include <string>
#include <sys/stat.h>
#include <utility>

namespace darkscan {

void refuse_standard_stream_state(const CommandLine& opts) {
  // "-" is standard input or output for the logs and the report; a state read from a file named
  // "-" and saved to standard output would never be continued (a review, 2026-12-06).
  for (const auto& [option, path] :
       {std::pair{"--state", opts.state},
        {"--state-out", opts.state_out}}) { // not for translation: the options' names
    if (path == "-")
      throw Error(
          message(N_("{} '-': a state is a file; give it a name ('-' is standard input or output)"), option));
  }
}

void refuse_state_onto_other_file(const std::string& state_out) {
  if (state_out.empty()) return;
  const StateTarget target = state_target(state_out);
  // A newer darkscan's state, which this one cannot read, is no state to replace either (a review,
  // 2026-12-07: its history was lost without a word).
  if (target == StateTarget::newer_state)
    throw Error(message(N_("--state-out '{}' is a state written by a newer darkscan: it would be replaced; "
                           "give another name, or run the newer darkscan"),
                        state_out),
                ExitCode::input_failed);
  // A review, 2026-12-06: `--state-out a.log.gz b.log` replaced a gzip log with a state.
  if (target == StateTarget::other_file)
    throw Error(message(N_("--state-out '{}' is a file that is not a darkscan state: it would be replaced; "
                           "give another name, or remove the file first"),
                        state_out));
}

void refuse_report_onto_state(const CommandLine& opts) {
  for (const auto& [option, state] :
       {std::pair{"--state", opts.state},
        {"--state-out", opts.state_out}}) { // not for translation: the options' names
    if (!opts.output.empty() && !state.empty() && util::same_target(opts.output, state))
      throw Error(message(N_("-o '{}' is the state file of {}: the report and the state would replace each "
                             "other; write the report elsewhere"),
                          opts.output, option));
  }
}

// The state of --state (loaded if the file exists) or a new one for
// --state-out; nullptr without either.
std::unique_ptr<State> open_state(const CommandLine& opts, const Rules& rules, NamePool& names,
                                  std::unique_ptr<util::FileLock>& lock) {
  if (opts.state.empty() && opts.state_out.empty()) return nullptr;
  refuse_standard_stream_state(opts);
  refuse_state_onto_other_file(opts.state_out);
  // Two runs updating one state would each miss what the other read; one through a link to it too.
  // The state written is locked: --state-out S while a --state S run goes on would lose one of the
  // two (a review, 2026-12-07), as merge --state-out S does.
  const std::string out = opts.state_out.empty() ? opts.state : opts.state_out;
  // Fail before reading any log when the state could not be saved after it (before its lock, which
  // would be refused for the same reason in words less clear).
  if (const int err = util::folder_error(out)) {
    throw Error(message(N_("cannot write the state '{}': its folder '{}': {}"), out, util::folder_of(out),
                        system_message(err)),
                ExitCode::cannot_write);
  }
  // Not a pipe or a descriptor (--state-out /dev/stdout, >(ssh host 'cat > s')): no file to replace.
  if (!util::written_in_place(out))
    lock = std::make_unique<util::FileLock>(util::final_target(out) + ".lock");
  auto state = std::make_unique<State>();
  struct stat st {};
  if (!opts.state.empty() && ::stat(opts.state.c_str(), &st) == 0) {
    *state = load_state(opts.state, rules, names);
  } else if (!opts.state.empty() && errno != ENOENT) {
    throw Error(message(N_("cannot open state '{}': {}"), opts.state, system_message(errno)),
                ExitCode::input_failed);
  } else {
    // A new history (--state) is whole; a shard (--state-out alone) may be
    // merged after an earlier one.
    state->rooted = !opts.state.empty();
  }
  return state;
}

namespace {

// The note of run_sites() when --site names none of the state's hosts.
Message other_site(const State& state, const CommandLine& opts) {
  const auto joined = [](const std::vector<std::string>& hosts) {
    std::string out;
    for (const std::string& host : hosts)
      out += (out.empty() ? "" : ", ") + host;
    return out;
  };
  return message(N_("state '{}' was kept for the site {}, and this run's --site is {}: their counts are "
                    "added up as one site's; give every run of a state the same --site, or each site a "
                    "state of its own"),
                 opts.state, joined(state.site_hosts), joined(opts.sites));
}

} // namespace

std::vector<std::string> run_sites(const CommandLine& opts, const State* state,
                                   const std::function<void(const Message&)>& note) {
  if (!state) return opts.sites;
  if (opts.sites.empty()) return state->site_hosts;
  for (const std::string& site : opts.sites)
    for (const std::string& kept : state->site_hosts)
      if (normalize_host(site) == normalize_host(kept)) return opts.sites;
  if (!state->site_hosts.empty()) note(other_site(*state, opts));
  return opts.sites;
}

// The analyzer and the scanner go on from where the state's last run stopped.
void resume_from_state(State& state, Analyzer& analyzer, ScanOptions& scan_options, const CommandLine& opts,
                       std::int64_t now) {
  analyzer.sessions() = std::move(state.sessions);
  analyzer.previews() = std::move(state.previews);
  state.mail.for_each([&](std::string_view page, const std::vector<std::int64_t>& times) {
    for (const std::int64_t t : times)
      analyzer.mail_bursts().remember(page, t);
  });
  state.mail = MailBursts(k_max_mailing_min);
  if (!state.rooted) analyzer.defer_history(state.origin);
  scan_options.ledger = &state.ledger;
  scan_options.now = now;
  // Not counters.last_time: after a line dated in the future, every later night's lines would be
  // skipped as older than what the state holds (a review, 2026-12-06).
  scan_options.history_end = state.counters.last_past_time;
  if (!state.format.empty() && !opts.log_format_given)
    scan_options.fallback_format = resolve_format(state.format);
}

// This run's visitors, previews and counts by hour added to the state; what is too old is forgotten.
void record_run(State& state, Analyzer& analyzer, const Scanner& scanner, PeriodSplitter&& counts,
                std::int64_t now) {
  state.sessions = std::move(analyzer.sessions());
  state.previews = std::move(analyzer.previews());
  state.mail = std::move(analyzer.mail_bursts());
  state.site_hosts = analyzer.site_hosts();
  const std::int64_t first = state.rooted ? scanner.totals().first_time : analyzer.origin();
  if (state.origin == Hit::k_no_time || (first != Hit::k_no_time && first < state.origin))
    state.origin = first;
  state.add_run(scanner.totals(), std::move(counts)); // the analyzer sends no more verdicts
  if (!scanner.detected_format().empty()) state.format = scanner.detected_format();
  state.forget_old(now);
}

std::int64_t state_keep_seconds(const CommandLine& opts) {
  if (opts.state_keep.empty()) return 0;
  // A shard (--state-out alone) trimmed against its own last hit would leave a hole in a merge of
  // shards split by time: merge --state-keep trims the merged state instead.
  if (opts.state.empty())
    throw Error(
        translated(N_("--state-keep goes with --state (for shards: merge --state-out F --state-keep)")));
  return parse_duration_arg("--state-keep", opts.state_keep); // not for translation: the option's name
}

void keep_recent_hours(State& state, const CommandLine& opts, std::int64_t keep, std::int64_t now,
                       const std::function<void(const Message&)>& note) {
  if (keep <= 0) return;
  const std::size_t dropped = state.keep_last(keep, now);
  if (dropped == 0) return;
  note(message_n("--state-keep {}: {} hour of counts older than that dropped from the state, which now "
                 "starts at {}",
                 "--state-keep {}: {} hours of counts older than that dropped from the state, which now "
                 "starts at {}",
                 dropped, opts.state_keep, count_message(dropped), util::format_utc(state.counters.first_time)));
}

} // namespace darkscan
