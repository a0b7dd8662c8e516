#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/rules_dirs.hpp>
#include <darkscan/cli/address_ranges.hpp>
#include <darkscan/cli/cli_help.hpp>
#include <darkscan/cli/cli_parse_errors.hpp>
#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/cli/page_keys.hpp>
#include <darkscan/cli/progress.hpp>
#include <darkscan/cli/report_request.hpp>
#include <darkscan/cli/run.hpp>
#include <darkscan/cli/run_state.hpp>
#include <darkscan/cli/run_summary.hpp>
#include <darkscan/cli/terminal.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/estimate/periods.hpp>
#include <darkscan/parse/input_order.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/report/hits_writer.hpp>
#include <darkscan/report/output.hpp>
#include <darkscan/report/report.hpp>
#include <darkscan/report/report_writer.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/state/state.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/file_identity.hpp>
#include <darkscan/util/file_lock.hpp>
#include <darkscan/visits/analyzer.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace darkscan {

namespace {

using NoteHandler = Analyzer::NoteHandler;

// The output format asked for, or the default for where it goes; throws Error when --hits and the
// options that go with it, or not, are mixed up.
std::string output_format(const CommandLine& opts, bool to_terminal) {
  std::string format = opts.output_format;
  const std::string named = // throws on a compressed file's name, and an office file's without -F
      format_of_name(opts.output, !opts.output_format.empty(), opts.hits);
  if (format.empty()) {
    // NDJSON is JSON lines: '-o hits.json' or hits.txt writes them; '-o hits.csv' asks for what
    // --hits cannot write (a review, 2026-12-06: it wrote NDJSON without a word).
    if (opts.hits)
      format = named == "tsv" || named == "csv" || named == "html" ? named : "ndjson";
    else
      format = !named.empty() ? named : to_terminal ? "table" : "tsv";
  }
  if (opts.hits && format != "ndjson" && format != "tsv") {
    // The format may come from -o's name alone: say so (a review, 2026-12-07, saw no -F csv given).
    if (opts.output_format.empty())
      throw Error(message(N_("--hits writes ndjson or tsv, not '{}' (taken from the name '{}'): name the "
                             "file .ndjson or .tsv, or give -F"),
                          format, opts.output));
    throw Error(message(N_("--hits writes ndjson or tsv, not '{}'"), format));
  }
  if (opts.explain && !opts.hits) throw Error(translated(N_("--explain goes with --hits")));
  if ((opts.show_ip || !opts.salt.empty()) && !opts.hits)
    throw Error(translated(N_("--show-ip and --salt go with --hits")));
  if (opts.hits && (!opts.state.empty() || !opts.state_out.empty()))
    throw Error(translated(N_("--state and --state-out go with the report, not with --hits")));
  // A review, 2026-12-07: `--hits --top 3` wrote every hit and said nothing.
  if (opts.hits && (opts.top_given || opts.min_visits > 0))
    throw Error(translated(N_("--top and --min-visits go with the report, not with --hits")));
  return format;
}

// How the logs are read: format, limits, threads. Throws Error on a --log-format that cannot be read.
ScanOptions scan_options_from(const CommandLine& opts) {
  ScanOptions scan_options;
  if (opts.log_format_given) scan_options.format = resolve_format(opts.log_format);
  scan_options.strict = opts.strict;
  scan_options.max_line = opts.max_line;
  if (!opts.block_size.empty()) {
    // Read here, not by CLI11, which names no hidden option in its messages.
    constexpr std::size_t k_min_block = 64, k_max_block = std::size_t{256} << 20;
    std::size_t bytes = 0;
    const char* end = opts.block_size.data() + opts.block_size.size();
    const auto [stop, error] = std::from_chars(opts.block_size.data(), end, bytes);
    if (error != std::errc() || stop != end || bytes < k_min_block || bytes > k_max_block) {
      throw Error(message(N_("{}: Value {} not in range {} to {}"), "--block-size", opts.block_size,
                          number_text(k_min_block), number_text(k_max_block)));
    }
    scan_options.block_bytes = bytes;
  }
  scan_options.threads = opts.threads > 0 ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  return scan_options;
}

// --hits: one record per hit of the window, written to --output or standard output.
struct HitsOutput {
  std::unique_ptr<Output> output;
  std::unique_ptr<HitsWriter> writer;
  std::unique_ptr<WindowFilter> window; // what the analyzer sends its verdicts to
};

HitsOutput open_hits_output(const CommandLine& opts, const std::string& format, const ReportWindow& w) {
  HitsOutput hits;
  hits.output = std::make_unique<Output>(opts.output);
  std::string salt = opts.salt;
  if (salt.empty()) {
    std::random_device random;
    salt = fmt::format("{:08x}{:08x}", random(), random());
  }
  hits.writer = std::make_unique<HitsWriter>(
      *hits.output, format == "tsv" ? HitsWriter::Format::tsv : HitsWriter::Format::ndjson, opts.explain,
      salt, opts.show_ip);
  hits.window = std::make_unique<WindowFilter>(*hits.writer, w.since, w.until);
  return hits;
}

// What a run writes, and with what, from the options, before any log is read: each option is checked
// in turn, so that the first mistake is the one reported.
struct RunPlan {
  std::string format;
  std::unique_ptr<Reporter> reporter; // none with --hits
  ScanOptions scan_options;
  Rules rules; // content parameters learned from the logs are added
  std::int64_t now = 0;
  ReportWindow window;
  ReportRequest request;
  HitsOutput hits;             // empty without --hits
  std::int64_t state_keep = 0; // --state-keep, in seconds; 0: keep all
};

RunPlan plan_run(const CommandLine& opts) {
  // `darkscan rule` read a log named "rule" that is not there (a review, 2026-12-07).
  for (const std::string& file : opts.files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 && errno == ENOENT)
      if (const auto typo = subcommand_typo(file)) throw Error(*typo, ExitCode::usage);
  }
  RunPlan plan;
  const bool stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  const bool to_terminal = to_standard_output(opts.output) && stdout_tty;
  plan.format = output_format(opts, to_terminal);
  const bool colour = to_terminal && colour_allowed();
  if (!opts.hits)
    plan.reporter = make_reporter(plan.format, colour,
                                  to_terminal ? terminal_columns() : 0); // checks the name before any reading
  plan.scan_options = scan_options_from(opts);
  plan.rules = Rules::load(rules_dirs(opts.rules));
  plan.rules.set_trusted_proxies(
      address_ranges("--trusted-proxy", opts.trusted_proxies)); // not for translation
  plan.rules.set_excluded_addresses(
      address_ranges("--exclude-ip", opts.excluded_addresses)); // not for translation
  plan.now = static_cast<std::int64_t>(std::time(nullptr));
  plan.window = report_window(opts, plan.now);
  const auto [since, until, by] = plan.window;
  if (opts.hits && by != PeriodKind::none)
    throw Error(translated(N_("--by goes with the report, not with --hits")));
  plan.request = report_request(opts, plan.format, to_terminal, since, until, by);
  plan.request.weights = plan.rules.weights();
  plan.request.settings = plan.rules.settings();
  check_report_output(plan.request, plan.now); // before any log is read
  plan.state_keep = state_keep_seconds(opts);
  if (opts.hits) plan.hits = open_hits_output(opts, plan.format, plan.window);
  return plan;
}

using util::file_identity;

// Each file once: the same file given twice (a glob and its name, a link) would count twice (a
// review, 2026-12-06: `darkscan access.log access.log` doubled every count, without a word). And an
// output that is one of the inputs would replace the log with a report: refused before reading.
std::vector<std::string> distinct_inputs(const CommandLine& opts, std::vector<std::string> files,
                                         const NoteHandler& note) {
  std::vector<std::pair<std::optional<std::pair<dev_t, ino_t>>, std::string>> seen;
  std::vector<std::string> out;
  for (std::string& f : files) {
    // '-' redirected from a named input (`darkscan a.log - < a.log`) is that file too: read once.
    const auto id = f == "-" ? util::stdin_identity() : file_identity(f);
    const auto same =
        std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return id && s.first == id; });
    if (same != seen.end()) {
      note(message(N_("'{}' is the same file as '{}': read once"), f, same->second));
      continue;
    }
    seen.emplace_back(id, f);
    out.push_back(std::move(f));
  }
  // Standard input redirected from a file is an input too (a review, 2026-12-06: `-o x.log - <
  // x.log` replaced the log with its report).
  if (out.empty())
    if (const auto id = util::stdin_identity()) seen.emplace_back(id, "-");
  for (const auto& [option, path] : // not for translation: the options' names
       {std::pair{"-o", opts.output}, {"--state-out", opts.state_out}, {"--state", opts.state}}) {
    const auto id = file_identity(path);
    for (const auto& [input, name] : seen)
      if (id && input == id)
        throw Error(message(N_("{} '{}' is the input '{}': it would be replaced; write elsewhere"), option,
                            path, name));
  }
  refuse_report_onto_state(opts);
  return out;
}

// The inputs to read: FILE..., or standard input; several are read in time order (by their first
// lines), which `note` says when it is not the order given.
std::vector<std::string> input_files(const CommandLine& opts, const ScanOptions& scan_options,
                                     const NoteHandler& note) {
  std::vector<std::string> files = distinct_inputs(opts, opts.files, note);
  if (files.empty()) {
    files.push_back("-");
    if (::isatty(STDIN_FILENO) == 1 && !opts.quiet) {
      print_message("darkscan: ", tr("reading an access log from the terminal (end with Ctrl-D); "
                                     "give FILE... to read files, or see 'darkscan --help'"));
    }
  }
  if (files.size() > 1) {
    bool moved = false;
    std::vector<std::pair<std::string, std::string>> copies;
    // With --state the ledger reads a copy's lines once: no note (a review, 2026-12-06).
    files = order_by_time(files, scan_options.format, scan_options.detect_lines, moved,
                          opts.state.empty() ? &copies : nullptr);
    for (const auto& [first, copy] : copies) {
      note(message(
          N_("'{}' starts with the same lines as '{}': one is probably a copy of the other (as gzip -k "
             "leaves); both are read: the page views, previews and bots of the lines they share count "
             "twice, their visits mostly once (a line read again continues its visit); give one of them"),
          copy, first));
    }
    if (moved) {
      note(message(N_("inputs read in time order (by their first lines), not in the order given: {}"),
                   fmt::join(files, " ")));
    }
  }
  return files;
}

// Where the analyzer's verdicts are counted: by period of --by (by hour into a state, whose periods
// the report is then made of), and by day too for the html report's daily trend.
struct VerdictCounts {
  VerdictCounts(const RunPlan& plan, bool with_state, const std::vector<std::string>& keep_params)
      : splitter(with_state ? State::k_slice_kind : plan.window.by,
                 with_state ? std::nullopt : plan.window.since, with_state ? std::nullopt : plan.window.until,
                 keep_params) {
    if (plan.format == "html" && !with_state) {
      days = std::make_unique<PeriodSplitter>(PeriodKind::day, plan.window.since, plan.window.until,
                                              keep_params);
      tee = std::make_unique<VerdictTee>(splitter, *days);
    }
  }
  VerdictCounts(const VerdictCounts&) = delete;
  VerdictCounts& operator=(const VerdictCounts&) = delete;

  VerdictSink& sink() { return tee ? static_cast<VerdictSink&>(*tee) : splitter; }

  PeriodSplitter splitter;
  std::unique_ptr<PeriodSplitter> days; // html only
  std::unique_ptr<VerdictTee> tee;      // splitter and days
};

// The report of all the state holds, with this run's inputs, malformed lines and notes.
void write_state_report(const RunPlan& plan, const State& state, const ScanTotals& totals) {
  const auto [since, until, by] = plan.window;
  ScanTotals report_totals = state.counters.totals();
  report_totals.inputs = totals.inputs;
  report_totals.examples = totals.examples;
  report_totals.notes = totals.notes;
  report_totals.window_start = whole_hour(since); // the hours the state's report counts
  report_totals.window_end = whole_hour(until);
  PeriodSplitter periods = state.report_periods(by, since, until);
  std::optional<PeriodSplitter> state_days;
  if (plan.format == "html") state_days = state.report_periods(PeriodKind::day, since, until);
  write_report(plan.request, *plan.reporter, report_totals, periods, state_days ? &*state_days : nullptr,
               state.site_hosts, plan.now);
}

// The end of --hits' records, or the report: of the state with one, else of this run's counts.
bool write_run_output(const CommandLine& opts, RunPlan& plan, const State* state, const ScanTotals& totals,
                      const VerdictCounts& counts, const Analyzer& analyzer) {
  // No FILE named and standard input empty (cron's /dev/null), with -o naming a file that exists: a
  // variable that came out empty (`-o $OUT access.log` with OUT unset) or a forgotten option value
  // took the log's name for the output, and a report of nothing would have replaced the log (a
  // review, 2026-12-06). A pipe that brings no line leaves yesterday's report too.
  // With --state the report covers the state: made again from it, with nothing new, it is no report
  // of nothing (`--state s -o r.json < /dev/null`).
  // `-` named alone is the same run (`zcat access.log.*.gz | darkscan - -o r.json` when the glob
  // matches nothing: a review, 2026-12-06). A file that does not exist yet is not made: the status
  // is the same whether it existed or not, as for -o /dev/stdout and -o - (a review, 2026-12-07);
  // those, and devices, are written as standard output is.
  const bool stdin_only = opts.files.empty() || (opts.files.size() == 1 && opts.files.front() == "-");
  if (stdin_only && !state && totals.inputs.size() == 1 && totals.inputs.front().bytes == 0 &&
      !opts.output.empty() && !util::written_in_place(opts.output)) {
    print_error(
        opts.files.empty()
            ? format_tr(N_("no FILE was named and standard input was empty: nothing was written to '{}'"),
                        opts.output)
            : format_tr(N_("standard input was empty: nothing was written to '{}'"), opts.output));
    return false;
  }
  // Nothing could be read: yesterday's good report (or hits) is worth more than one of nothing. An
  // input whose data broke off after lines that were read (a .gz still being written) was read (a
  // second review: its 3,500 hits were dropped).
  // `-o -` and /dev/stdout are standard output, as without -o: the empty report (a review, 2026-12-07).
  const bool nothing_read = !opts.output.empty() && !util::written_in_place(opts.output) &&
                            !totals.inputs.empty() && totals.inputs_failed() == totals.inputs.size() &&
                            std::none_of(totals.inputs.begin(), totals.inputs.end(),
                                         [](const InputStats& in) { return in.broke_off && in.parsed > 0; });
  if (plan.hits.output && !nothing_read) {
    plan.hits.output->finish();
  } else if (state && !plan.hits.output && !(nothing_read && opts.state.empty())) {
    // A history (--state) has its report without new lines; a shard of nothing has none.
    write_state_report(plan, *state, totals);
  } else if (nothing_read) {
    print_error(format_tr(N_("no input could be read: '{}' was left as it was"), opts.output));
  } else {
    write_report(plan.request, *plan.reporter, totals, counts.splitter, counts.days.get(),
                 analyzer.site_hosts(), plan.now);
  }
  return true;
}

} // namespace

int run_scan(const CommandLine& opts) {
  if (opts.list_formats) {
    std::fputs(preset_list().c_str(), stdout);
    return 0;
  }
  RunPlan plan = plan_run(opts);
  plan.request.counts_private = [&rules = plan.rules](std::string_view query) {
    return rules.is_private_tag(query);
  };
  plan.request.public_apps = plan.rules.public_apps();
  const auto [since, until, by] = plan.window;
  std::unique_ptr<Progress> progress;
  std::vector<Message> notes; // also in the JSON summary (in English), for cron jobs that run with -q
  auto note = [&](const Message& text) {
    notes.push_back(text);
    if (progress) progress->clear();
    if (!opts.quiet) print_note(text.local);
  };

  // With a state, this run's hits are counted by hour and added to it; the
  // report then covers everything the state holds.
  NamePool names;
  std::unique_ptr<util::FileLock> state_lock;
  std::unique_ptr<State> state = open_state(opts, plan.rules, names, state_lock);
  if (state)
    for (const Message& older : older_format_notes(*state, opts.state))
      note(older);
  note_partial_weights(plan.rules, note);
  const std::vector<std::string> files = input_files(opts, plan.scan_options, note);
  plan.request.keep = files;
  for (const std::string& state_file : {opts.state, opts.state_out})
    if (!state_file.empty()) plan.request.keep.push_back(state_file);
  if (state) note_whole_hours(plan.window, opts, note);
  std::vector<std::string> keep_params = page_key_params(opts, plan.rules, state.get(), note);
  const std::vector<std::string> sites = run_sites(opts, state.get(), note);
  std::vector<std::unique_ptr<Source>> opened(files.size()); // read ahead to learn from, then scanned whole
  // A state that holds lines keeps its keys: nothing to learn (its first run said what it saw).
  if (!opts.no_learn_params && !(state && state->counters.lines > 0))
    learn_page_key_params(files, plan.scan_options.format, state.get(), plan.rules, keep_params, opened,
                          note);

  VerdictCounts counts(plan, state != nullptr, keep_params);
  if (state) {
    counts.splitter.hand_off_closed(
        [&hours = state->hours](std::int64_t start, PeriodSplitter::Slice&& hour) {
          hours.add(start, hour.period, hour.traffic);
        },
        State::k_pack_after);
  }
  Analyzer analyzer(plan.rules, sites, plan.hits.window ? *plan.hits.window : counts.sink(), note);
  analyzer.look_ahead(true);
  analyzer.only_hosts(opts.only_hosts);
  analyzer.busy_window(since.value_or(INT64_MIN), until.value_or(INT64_MAX));
  analyzer.keep_params(keep_params);
  if (plan.hits.writer) plan.hits.writer->keep_params(keep_params), plan.hits.writer->rules(&plan.rules);
  if (state) resume_from_state(*state, analyzer, plan.scan_options, opts, plan.now);
  std::uint64_t total_size = 0;
  if (!opts.quiet && Progress::wanted(files, total_size)) {
    progress = std::make_unique<Progress>(total_size);
    plan.scan_options.progress = [&](const Source& source, bool done) { progress->update(source, done); };
  }
  plan.scan_options.note = note;
  auto on_error = [&](const std::string& message) {
    if (progress) progress->clear();
    print_error(message);
  };
  Scanner scanner(std::move(plan.scan_options), analyzer, on_error);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < files.size(); ++i)
    scanner.scan(files[i], std::move(opened[i]));
  analyzer.finish();
  if (progress) progress->clear();
  if (const std::uint64_t untimed = counts.splitter.untimed_left_out()) {
    note(message_n("{} line has no time: --since and --until cannot place it, and it was left out",
                   "{} lines have no time: --since and --until cannot place them, and they were left out",
                   untimed, count_message(untimed)));
  }
  if (state) {
    record_run(*state, analyzer, scanner, std::move(counts.splitter), plan.now);
    keep_recent_hours(*state, opts, plan.state_keep, plan.now, note);
    if (const int minutes = state->hours_offset_minutes()) note(note_hours_of_another_zone(minutes));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ScanTotals totals = scanner.totals();
  note_window_coverage(state ? state->counters.totals() : totals, since, until, plan.now, note,
                       state ? state->origin : Hit::k_no_time);
  totals.notes = std::move(notes);
  totals.window_start = since;
  totals.window_end = until;

  if (!write_run_output(opts, plan, state.get(), totals, counts, analyzer)) {
    if (!opts.quiet) print_run_summary(totals, seconds);
    return static_cast<int>(ExitCode::input_failed);
  }
  // A shard of nothing (no input could be read) would be merged as a server's quiet night, and
  // DISTRIBUTED.md merges a shard of status 1 as one read in part (a review, 2026-12-07).
  const bool shard_of_nothing =
      state && opts.state.empty() && !totals.inputs.empty() &&
      totals.inputs_failed() == totals.inputs.size() &&
      std::none_of(totals.inputs.begin(), totals.inputs.end(),
                   [](const InputStats& in) { return in.broke_off && in.parsed > 0; });
  if (shard_of_nothing) {
    print_error(format_tr(N_("no input could be read: the state '{}' was not written"), opts.state_out));
  } else if (state) {
    const std::string& path = opts.state_out.empty() ? opts.state : opts.state_out;
    save_state(*state, path);
  }
  if (!opts.quiet) print_run_summary(totals, seconds);
  return static_cast<int>(totals.status);
}

} // namespace darkscan
