#include <darkscan/classify/content_params.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/rules_dirs.hpp>
#include <darkscan/cli/cli_help.hpp>
#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/cli/progress.hpp>
#include <darkscan/cli/report_request.hpp>
#include <darkscan/cli/run.hpp>
#include <darkscan/cli/run_summary.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/aggregate.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/parse/input_order.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/report/hits_writer.hpp>
#include <darkscan/report/output.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/report/report_writer.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/util/file_lock.hpp>
#include <darkscan/visits/analyzer.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace darkscan {

namespace {

// Lines read ahead to learn content parameters (and 8 MiB at most: content_params.cpp), enough for
// content_params.hpp's k_min_views of a parameter that routes a site's articles.
constexpr std::size_t k_learn_lines = 100000;

// The state of --state (loaded if the file exists) or a new one for
// --state-out; nullptr without either.
std::unique_ptr<State> open_state(const CommandLine& opts, const Rules& rules, NamePool& names,
                                  std::unique_ptr<util::FileLock>& lock) {
  if (opts.state.empty() && opts.state_out.empty()) return nullptr;
  // Two runs updating one state would each miss what the other read.
  if (!opts.state.empty()) lock = std::make_unique<util::FileLock>(opts.state + ".lock");
  // Fail before reading any log when the state could not be saved after it.
  const std::string out = opts.state_out.empty() ? opts.state : opts.state_out;
  if (const int err = util::folder_error(out)) {
    throw Error(message(N_("cannot write the state '{}': {}"), out, system_message(err)),
                ExitCode::cannot_write);
  }
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

} // namespace

int run_scan(const CommandLine& opts) {
  if (opts.list_formats) {
    std::fputs(preset_list().c_str(), stdout);
    return 0;
  }
  const bool stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  const bool to_terminal = opts.output.empty() && stdout_tty;
  std::string format = opts.output_format;
  if (format.empty()) format = opts.hits ? "ndjson" : to_terminal ? "table" : "tsv";
  if (opts.hits && format != "ndjson" && format != "tsv") {
    throw Error(message(N_("--hits writes ndjson or tsv, not '{}'"), format));
  }
  if (opts.explain && !opts.hits) throw Error(translated(N_("--explain goes with --hits")));
  if ((opts.show_ip || !opts.salt.empty()) && !opts.hits)
    throw Error(translated(N_("--show-ip and --salt go with --hits")));
  if (opts.hits && (!opts.state.empty() || !opts.state_out.empty()))
    throw Error(translated(N_("--state and --state-out go with the report, not with --hits")));
  const bool colour = to_terminal && std::getenv("NO_COLOR") == nullptr;
  std::unique_ptr<Reporter> reporter;
  if (!opts.hits) reporter = make_reporter(format, colour); // checks the name before any reading

  ScanOptions scan_options;
  if (opts.log_format_given) scan_options.format = resolve_format(opts.log_format);
  scan_options.strict = opts.strict;
  scan_options.max_line = opts.max_line;
  scan_options.block_bytes = opts.block_bytes;
  scan_options.threads = opts.threads > 0 ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  Rules rules = Rules::load(rules_dirs(opts.rules)); // content parameters learned below are added
  std::unique_ptr<Progress> progress;
  std::vector<Message> notes; // also in the JSON summary (in English), for cron jobs that run with -q
  auto note = [&](const Message& text) {
    notes.push_back(text);
    if (progress) progress->clear();
    if (!opts.quiet) print_note(text.local);
  };

  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const auto [since, until, by] = report_window(opts, now);
  if (opts.hits && by != PeriodKind::none)
    throw Error(translated(N_("--by goes with the report, not with --hits")));
  ReportRequest request = report_request(opts, format, to_terminal, since, until, by);
  request.weights = rules.weights();
  request.settings = rules.settings();
  check_report_output(request, now); // before any log is read

  std::unique_ptr<Output> hits_output;
  std::unique_ptr<HitsWriter> hits;
  std::unique_ptr<WindowFilter> window;
  if (opts.hits) {
    hits_output = std::make_unique<Output>(opts.output);
    std::string salt = opts.salt;
    if (salt.empty()) {
      std::random_device random;
      salt = fmt::format("{:08x}{:08x}", random(), random());
    }
    hits = std::make_unique<HitsWriter>(
        *hits_output, format == "tsv" ? HitsWriter::Format::tsv : HitsWriter::Format::ndjson, opts.explain,
        salt, opts.show_ip);
    window = std::make_unique<WindowFilter>(*hits, since, until);
  }
  // With a state, this run's hits are counted by hour and added to it; the
  // report then covers everything the state holds.
  NamePool names;
  std::unique_ptr<util::FileLock> state_lock;
  std::unique_ptr<State> state = open_state(opts, rules, names, state_lock);
  std::vector<std::string> files = opts.files;
  if (files.empty()) {
    files.push_back("-");
    if (::isatty(STDIN_FILENO) == 1 && !opts.quiet) {
      print_message("darkscan: ", tr("reading an access log from the terminal (end with Ctrl-D); "
                                     "give FILE... to read files, or see 'darkscan --help'"));
    }
  }
  if (files.size() > 1) {
    bool moved = false;
    files = order_by_time(files, scan_options.format, scan_options.detect_lines, moved);
    if (moved) {
      note(message(N_("inputs read in time order (by their first lines), not in the order given: {}"),
                   fmt::join(files, " ")));
    }
  }
  // --keep-param, and the parameters that name content (content.rules: "/?p=123" is an article),
  // some learned from the start of the logs (a state keeps its page keys: only suggested there).
  std::vector<std::string> keep_params = opts.keep_params;
  for (const std::string& p : rules.content_params())
    if (std::find(keep_params.begin(), keep_params.end(), p) == keep_params.end()) keep_params.push_back(p);
  std::vector<std::string> sites = opts.sites;
  if (state) {
    note_whole_hours({since, until, by}, opts);
    if (!opts.keep_params.empty() && keep_params != state->keep_params && state->counters.lines > 0) {
      if (state->keep_params.empty()) {
        throw Error(translated(N_("--keep-param differs from the state's (none): page keys would not match; "
                                  "give the same ones, or none")));
      }
      throw Error(message(N_("--keep-param differs from the state's ({}): page keys would not match; "
                             "give the same ones, or none"),
                          fmt::format("{}", fmt::join(state->keep_params, " "))));
    }
    if (opts.keep_params.empty() && state->counters.lines > 0 && keep_params != state->keep_params) {
      note(message(N_("the state was written with page-key parameters '{}', these rules name '{}': "
                      "pages keep the state's keys (start a new state to change them)"),
                   fmt::join(state->keep_params, " "), fmt::join(keep_params, " ")));
      keep_params = state->keep_params;
    }
    state->keep_params = keep_params;
    if (sites.empty()) sites = state->site_hosts;
  }
  std::vector<std::unique_ptr<Source>> opened(files.size()); // read ahead to learn from, then scanned whole
  // A state that holds lines keeps its keys: nothing to learn (its first run said what it saw).
  if (!opts.no_learn_params && !(state && state->counters.lines > 0)) {
    for (const LearnedParam& p :
         learn_content_params(files, scan_options.format, rules, keep_params, k_learn_lines, opened)) {
      const Message figures =
          message(N_("on {}, {} values in {} of its {} page views"), p.path, count_message(p.values),
                  count_message(p.views), count_message(p.path_views));
      if (state) {
        note(message(N_("query parameter '{}' looks like it names content ({}); a state keeps its page "
                        "keys: to count its pages apart, add it to a content.rules in your --rules "
                        "directory and start a new state"),
                     p.name, figures));
        continue;
      }
      note(message(N_("pages keep query parameter '{}' in their keys, learned from the log ({}); "
                      "--no-learn-params turns this off, a content.rules makes it lasting"),
                   p.name, figures));
      keep_params.push_back(p.name);
      rules.add_content_params({p.name});
    }
  }
  PeriodSplitter splitter(state ? State::k_slice_kind : by, state ? std::nullopt : since,
                          state ? std::nullopt : until, keep_params);
  // The html report draws a daily trend: the same verdicts, also by day.
  std::unique_ptr<PeriodSplitter> days;
  std::unique_ptr<VerdictTee> tee;
  if (format == "html" && !state) {
    days = std::make_unique<PeriodSplitter>(PeriodKind::day, since, until, keep_params);
    tee = std::make_unique<VerdictTee>(splitter, *days);
  }
  Analyzer analyzer(rules, sites,
                    window ? static_cast<VerdictSink&>(*window)
                    : tee  ? static_cast<VerdictSink&>(*tee)
                           : splitter,
                    note);
  analyzer.keep_params(keep_params);
  if (hits) hits->keep_params(keep_params), hits->rules(&rules);
  if (state) {
    analyzer.sessions() = std::move(state->sessions);
    analyzer.previews() = std::move(state->previews);
    if (!state->rooted) analyzer.defer_history(state->origin);
    scan_options.ledger = &state->ledger;
    scan_options.now = now;
    scan_options.history_end = state->counters.last_time;
    if (!state->format.empty() && !opts.log_format_given)
      scan_options.fallback_format = resolve_format(state->format);
  }
  std::uint64_t total_size = 0;
  if (!opts.quiet && Progress::wanted(files, total_size)) {
    progress = std::make_unique<Progress>(total_size);
    scan_options.progress = [&](const Source& source, bool done) { progress->update(source, done); };
  }
  scan_options.note = note;
  auto on_error = [&](const std::string& message) {
    if (progress) progress->clear();
    print_error(message);
  };
  Scanner scanner(std::move(scan_options), analyzer, on_error);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < files.size(); ++i)
    scanner.scan(files[i], std::move(opened[i]));
  analyzer.finish();
  if (progress) progress->clear();
  if (state) {
    state->sessions = std::move(analyzer.sessions());
    state->previews = std::move(analyzer.previews());
    state->site_hosts = analyzer.site().hosts();
    const std::int64_t first = state->rooted ? scanner.totals().first_time : analyzer.origin();
    if (state->origin == Hit::k_no_time || (first != Hit::k_no_time && first < state->origin))
      state->origin = first;
    state->add_run(scanner.totals(), std::move(splitter)); // the analyzer sends no more verdicts
    if (!scanner.detected_format().empty()) state->format = scanner.detected_format();
    state->forget_old(now);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ScanTotals totals = scanner.totals();
  note_window_coverage(state ? state->counters.totals() : totals, since, until, now, note);
  totals.notes = std::move(notes);
  totals.window_start = since;
  totals.window_end = until;

  if (hits_output) {
    hits_output->finish();
  } else if (state) {
    ScanTotals report_totals = state->counters.totals();
    report_totals.inputs = totals.inputs;
    report_totals.examples = totals.examples;
    report_totals.notes = totals.notes;
    report_totals.window_start = since;
    report_totals.window_end = until;
    PeriodSplitter periods = state->report_periods(by, since, until);
    std::optional<PeriodSplitter> state_days;
    if (format == "html") state_days = state->report_periods(PeriodKind::day, since, until);
    write_report(request, *reporter, report_totals, periods, state_days ? &*state_days : nullptr,
                 state->site_hosts, now);
  } else if (!opts.output.empty() && !totals.inputs.empty() &&
             totals.inputs_failed() == totals.inputs.size()) {
    // Nothing could be read: yesterday's good report is worth more than a report of nothing.
    print_error(format_tr(N_("no input could be read: '{}' was left as it was"), opts.output));
  } else {
    write_report(request, *reporter, totals, splitter, days.get(), analyzer.site().hosts(), now);
  }
  if (state) {
    const std::string& path = opts.state_out.empty() ? opts.state : opts.state_out;
    save_state(*state, path);
  }
  if (!opts.quiet) print_run_summary(totals, seconds);
  return static_cast<int>(totals.status);
}

} // namespace darkscan
