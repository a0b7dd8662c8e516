#include <darkscan/classify/content_params.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/cli/cli.hpp>
#include <darkscan/cli/cli_help.hpp>
#include <darkscan/cli/cli_parse_errors.hpp>
#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/cli/progress.hpp>
#include <darkscan/cli/rules_command.hpp>
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
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/file_lock.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/visits/analyzer.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <tuple>
#include <unistd.h>

namespace darkscan {

namespace {

constexpr std::size_t k_terminal_top = 20;
constexpr std::size_t k_html_top = 100; // pages in an html report unless --top says otherwise
// Lines read ahead to learn content parameters (and 8 MiB at most: content_params.cpp), enough for
// content_params.hpp's k_min_views of a parameter that routes a site's articles.
constexpr std::size_t k_learn_lines = 100000;

struct Options {
  std::vector<std::string> files;
  std::string log_format;
  bool log_format_given = false;
  std::string output_format;
  std::string output;
  std::size_t top = 0;
  bool top_given = false;
  std::uint64_t min_visits = 0;
  std::vector<std::string> rules;
  std::vector<std::string> sites;
  std::string since, until, by;
  std::vector<std::string> keep_params;
  bool no_learn_params = false;
  bool hits = false;
  bool explain = false;
  bool show_ip = false;
  std::string salt;
  bool strict = false;
  bool quiet = false;
  bool list_formats = false;
  std::size_t max_line = LineReader::k_default_max_line;
  std::size_t threads = 0;             // 0: one per core
  std::size_t block_bytes = 512 << 10; // as fast as 1 MiB, and 7 MB less at peak (bench/results/visitors.md)
  std::string state;                   // --state: load if present, continue, save back
  std::string state_out;               // --state-out: save the (shard) state here
  std::vector<std::string> merge_states; // darkscan merge STATE...
};

// The report's destination, pages and time, from the options.
ReportRequest report_request(const Options& opts, const std::string& format, bool to_terminal,
                             std::optional<std::int64_t> since, std::optional<std::int64_t> until,
                             PeriodKind by) {
  ReportRequest r;
  r.output = opts.output;
  r.top = opts.top_given     ? opts.top
          : to_terminal      ? k_terminal_top
          : format == "html" ? k_html_top
                             : static_cast<std::size_t>(-1);
  r.min_visits = opts.min_visits;
  r.since = since;
  r.until = until;
  r.by = by;
  return r;
}

struct ReportWindow {
  std::optional<std::int64_t> since, until;
  PeriodKind by = PeriodKind::none;
};

// A state counts by hour: says so when --since/--until fall inside an hour.
void note_whole_hours(const ReportWindow& w, const Options& opts) {
  if (opts.quiet) return;
  for (const auto& [name, value, text] :
       {std::tuple{"--since", w.since, opts.since}, {"--until", w.until, opts.until}}) {
    if (value && period_of(PeriodKind::hour, *value).start != *value) {
      print_note(format_tr(N_("a state counts by the hour: {} {} counts from the next whole hour, {}"), name,
                           text, format_local("%Y-%m-%d %H:00", period_of(PeriodKind::hour, *value).end)));
    }
  }
}

// Says so when the inputs do not cover the window asked for: they start after --since (an earlier
// rotated file left out?) or end before an --until that has passed. A quiet hour is not a gap: only
// the first and last lines of the inputs, in the window or not, tell.
void note_window_coverage(const ScanTotals& t, std::optional<std::int64_t> since,
                          std::optional<std::int64_t> until, std::int64_t now,
                          const std::function<void(const Message&)>& note) {
  if (t.first_time == Hit::k_no_time) return; // nothing was read: the errors say why
  if (since && t.first_time > *since) {
    note(message(N_("the inputs start at {}, after --since {}: what was logged before is not in them "
                    "(an older rotated file, such as access.log.2.gz, left out?); the report misses it"),
                 format_local("%Y-%m-%d %H:%M:%S", t.first_time), format_local("%Y-%m-%d %H:%M:%S", *since)));
  }
  if (until && *until <= now && t.last_time < *until) {
    note(message(N_("the inputs end at {}, before --until {}: what was logged after is not in them "
                    "(a newer file left out?); the report misses it"),
                 format_local("%Y-%m-%d %H:%M:%S", t.last_time), format_local("%Y-%m-%d %H:%M:%S", *until)));
  }
}

ReportWindow report_window(const Options& opts, std::int64_t now) {
  ReportWindow w;
  if (!opts.since.empty()) w.since = parse_time_arg("--since", opts.since, now);
  if (!opts.until.empty()) w.until = parse_time_arg("--until", opts.until, now);
  if (w.since && w.until && *w.since >= *w.until) {
    throw Error(message(N_("--since {} is not before --until {}"), opts.since, opts.until));
  }
  w.by = opts.by.empty() ? PeriodKind::none : parse_period_kind(opts.by);
  return w;
}

// `darkscan merge STATE...`: shard states combined, in time order, into one
// report (and, with --state-out, one state).
int run_merge(const Options& opts) {
  const bool to_terminal = opts.output.empty() && ::isatty(STDOUT_FILENO) == 1;
  std::string format = opts.output_format;
  if (format.empty()) format = to_terminal ? "table" : "tsv";
  const auto reporter = make_reporter(format, to_terminal && std::getenv("NO_COLOR") == nullptr);
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const auto [since, until, by] = report_window(opts, now);
  ReportRequest request = report_request(opts, format, to_terminal, since, until, by);
  check_report_output(request, now); // before any state is read
  const Rules rules = Rules::load(rules_dirs(opts.rules));
  request.weights = rules.weights(); // a merge weighs with its own --rules, as a run does
  request.settings = rules.settings();
  const auto start = std::chrono::steady_clock::now();
  note_whole_hours({since, until, by}, opts);

  NamePool names;
  std::vector<InputStats> inputs;
  State merged = merge_state_files(opts.merge_states, rules, names, inputs);
  merged.forget_old(now);

  ScanTotals totals = merged.counters.totals();
  totals.inputs = std::move(inputs);
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

// The state of --state (loaded if the file exists) or a new one for
// --state-out; nullptr without either.
std::unique_ptr<State> open_state(const Options& opts, const Rules& rules, NamePool& names,
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

int run(const Options& opts) {
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

// What -h and --help of every command say.
const char* help_flag_text() { return tr("Print this help message and exit"); }

// In English, CLI11 shows a validator's description after the metavariable ("N:NONNEGATIVE",
// "PERIOD:{hour,day,week,month}", "N:INT in [1 - 256]"): other languages show the metavariable
// alone, and the option's description says the rest in words.
CLI::Validator shown(CLI::Validator validator) {
  if (i18n::language() != "en") validator.description("");
  return validator;
}

} // namespace

int run_cli(int argc, char** argv) {
  i18n::init(); // before any text is made: --help's descriptions are translated as they are added
  CLI::App app{
      format_tr(N_("darkscan {} - find the dark-social traffic (private shares through WhatsApp, "
                   "Messenger,\ne-mail, ...) hidden as \"direct\" visits in Nginx and Apache access logs."),
                DARKSCAN_VERSION),
      "darkscan"};
  // CLI11's own words in --help.
  const auto formatter = app.get_formatter();
  // TRANSLATORS: CLI11 writes ':' right after "Usage" and after the group names (Options,
  // Positionals, Subcommands): end them with a no-break space in French.
  formatter->label("Usage", tr("Usage"));
  // TRANSLATORS: in the usage line: "darkscan [OPTIONS] [FILE...] [SUBCOMMAND]".
  formatter->label("OPTIONS", tr("OPTIONS"));
  formatter->label("SUBCOMMAND", tr("SUBCOMMAND"));
  formatter->label("SUBCOMMANDS", tr("SUBCOMMANDS"));
  // TRANSLATORS: after a required argument in --help ("STATE ... REQUIRED").
  formatter->label("REQUIRED", tr("REQUIRED"));
  // TRANSLATORS: the heading of the arguments without a name (FILE, STATE); CLI11 writes ':' right after.
  formatter->label("Positionals", tr("Positionals"));
  formatter->column_width(30);
  // Options take their group's name when added, subcommands theirs from their parent: named first.
  // TRANSLATORS: a heading in --help; CLI11 writes ':' right after.
  const std::string options_group = tr("Options");
  app.option_defaults()->group(options_group);
  // TRANSLATORS: a heading in --help; CLI11 writes ':' right after.
  app.group(tr("Subcommands"));
  app.set_help_flag("-h,--help", help_flag_text());
  app.set_version_flag("-V,--version", "darkscan " DARKSCAN_VERSION,
                       tr("Display program version information and exit"));
  app.footer(run_footer());
  // A subcommand makes its -h,--help before it inherits the option group's name.
  const auto add_command = [&](CLI::App& parent, const char* name, const std::string& description) {
    CLI::App* command = parent.add_subcommand(name, description);
    command->get_help_ptr()->group(options_group);
    return command;
  };

  Options opts;
  // Accepted by the run and by merge alike.
  const std::vector<std::string> report_formats(std::begin(k_report_formats), std::end(k_report_formats));
  const std::vector<std::string> period_names{"hour", "day", "week", "month"};
  // Option names and metavariables are what users type: only the descriptions are for translation.
  app.add_option("FILE", opts.files, tr("Access logs to read, in order ('-' or none: standard input)"))
      ->type_name("");
  auto* log_format = app.add_option("-f,--log-format", opts.log_format, // not for translation
                                    tr("Preset name (combined, common, vcombined, combined-xff, caddy, "
                                       "traefik-json, cloudflare, nginx-json, cloudfront, w3c), an nginx "
                                       "log_format / Apache LogFormat string, a W3C '#Fields: ...' line or a "
                                       "'json: key=field ...' map (default: detected per input)"))
                         ->type_name("FMT");
  app.add_option("-F,--output-format", opts.output_format, // not for translation
                                                           // TRANSLATORS: the values (table, tsv, csv, json,
                                                           // ndjson, html) are what --output-format takes.
                 tr("table, tsv, csv, json, ndjson or html (one page with charts) for the report (default: "
                    "table on a terminal, tsv otherwise); ndjson or tsv with --hits (default ndjson)"))
      ->check(shown(CLI::IsMember(report_formats)))
      ->type_name("FMT");
  app.add_option("-o,--output", opts.output, tr("Write to FILE (atomically: a temporary file, then rename)"))
      ->type_name("FILE");
  auto* top = app.add_option("-n,--top", opts.top,
                             tr("Pages to list (default: 20 on a terminal, 100 in html, all otherwise)"))
                  ->check(shown(CLI::NonNegativeNumber))
                  ->type_name("N");
  app.add_option(
         "--keep-param", opts.keep_params, // not for translation
         tr("Keep query parameter NAME in page paths (repeatable), e.g. --keep-param id for /item?id=42"))
      ->type_name("NAME")
      ->allow_extra_args(false);
  app.add_flag("--no-learn-params", opts.no_learn_params, // not for translation
               tr("Keep only the parameters of content.rules and --keep-param in page paths; by default a "
                  "parameter that names content (/read?aid=12) is learned from the logs' first lines"));
  app.add_option("--min-visits", opts.min_visits, // not for translation
                 tr("Hide pages with fewer visits (the report says how many)"))
      ->check(shown(CLI::NonNegativeNumber))
      ->type_name("N");
  app.add_option(
         "--site", opts.sites,
         tr("The site's own host (repeatable); default: $host/%v from the log, else guessed from referrers"))
      ->type_name("HOST")
      ->allow_extra_args(false);
  app.add_option("--rules", opts.rules,
                 tr("Load rules from DIR on top of the built-in ones (repeatable; see doc/RULES.md)"))
      ->type_name("DIR")
      ->allow_extra_args(false)
      ->check(shown(CLI::ExistingDirectory));
  app.add_option(
         "--since", opts.since,
         tr("Count only hits at or after TIME: 2026-11-20, 2026-11-20T08:00, today, yesterday, -7d, -12h "
            "(local time unless an offset is given)"))
      ->type_name("TIME");
  app.add_option("--until", opts.until, tr("Count only hits before TIME (same forms as --since)"))
      ->type_name("TIME");
  app.add_option("--by", opts.by,
                 // TRANSLATORS: hour, day, week and month are what --by takes: other languages name them
                 // (CLI11 lists them after PERIOD in English only).
                 tr("Split the report by hour, day, week or month (local time); with -o "
                    "'out/%Y-%m-%d.tsv', one file per period"))
      ->check(shown(CLI::IsMember(period_names)))
      ->type_name("PERIOD");
  app.add_flag("--hits", opts.hits, tr("Write one record per hit with its verdict instead of the report"));
  app.add_flag("--explain", opts.explain, tr("With --hits: add the text and origin of each matched rule"));
  app.add_option("--salt", opts.salt,
                 tr("With --hits: the secret mixed into visitor hashes (default: random each run, so hashes "
                    "cannot be linked across runs)"))
      ->type_name("TEXT");
  app.add_flag("--show-ip", opts.show_ip, // not for translation
               tr("With --hits: add the client address (never shown otherwise)"));
  app.add_flag("--strict", opts.strict, tr("Stop with exit status 3 at the first malformed line"));
  app.add_option("--max-line-length", opts.max_line, // not for translation
                                                     // TRANSLATORS: other languages than English say the
                                                     // range here: 256 to 67108864 bytes.
                 tr("Longer lines are counted as malformed and skipped (default: 65536)"))
      ->check(shown(CLI::Range(static_cast<std::size_t>(256), static_cast<std::size_t>(64) << 20)))
      ->type_name("BYTES");
  app.add_option(
         "--threads", opts.threads,
         // TRANSLATORS: other languages than English say the range here: 1 to 256.
         tr("Threads that parse and classify lines, the main thread included (default: one per core); "
            "results are the same for any number"))
      ->check(shown(CLI::Range(1, 256)))
      ->type_name("N");
  // For tests of determinism across block sizes; not in --help.
  // not for translation (hidden)
  app.add_option("--block-size", opts.block_bytes, "Bytes per block in a parallel scan")
      ->check(CLI::Range(static_cast<std::size_t>(64), static_cast<std::size_t>(256) << 20))
      ->group("");
  app.add_option(
         "--state", opts.state,
         tr("Continue from FILE if it exists, read only what is new in the logs (recognised by content, "
            "across rotation and compression), save FILE back; the report covers all it holds"))
      ->type_name("FILE");
  app.add_option("--state-out", opts.state_out, // not for translation
                 tr("Write the state of this run to FILE (a shard for 'darkscan merge'; with --state, FILE "
                    "receives the update instead)"))
      ->type_name("FILE");
  app.add_flag("-q,--quiet", opts.quiet, tr("No run summary or notes on standard error"));
  app.add_flag("--list-formats", opts.list_formats, // not for translation
               tr("Show the log format presets and exit"));

  std::vector<std::string> rules_dirs_arg;
  auto* rules_cmd = add_command(app, "rules", tr("Check or try the classification rules (see doc/RULES.md)"));
  rules_cmd->require_subcommand(1);
  rules_cmd->footer(
      tr("The rules files, their syntax and how to add your own: doc/RULES.md, man darkscan (RULES FILES)."));
  auto* rules_check_cmd = add_command(
      *rules_cmd, "check",
      tr("Load the built-in rules with DIR... on top (as --rules would) and print the rules per file"));
  // CLI11 names their values TEXT ("DIR TEXT:DIR ..."), in English only: "DIR ..." in other languages.
  const bool english = i18n::language() == "en";
  rules_check_cmd->add_option("DIR", rules_dirs_arg, tr("Rules directories"))
      ->check(shown(CLI::ExistingDirectory))
      ->type_name(english ? "TEXT" : "");
  auto* rules_ua_cmd =
      add_command(*rules_cmd, "ua",
                  tr("Classify user agents read from standard input, one per line: kind, app, rule id"));
  rules_ua_cmd->add_option("--rules", rules_dirs_arg, tr("Rules directories on top of the built-in ones"))
      ->check(shown(CLI::ExistingDirectory))
      ->type_name(english ? "TEXT" : "DIR")
      ->allow_extra_args(false);

  auto* merge_cmd = add_command(
      app, "merge",
      tr("Combine states written with --state-out (one per server, day, ...) into one report, as one run "
         "over all their logs would give"));
  merge_cmd->footer(merge_footer());
  merge_cmd->add_option("STATE", opts.merge_states, tr("State files, in any order"))
      ->required()
      ->type_name("");
  merge_cmd
      ->add_option("-F,--output-format", opts.output_format, // not for translation
                   tr("table, tsv, csv, json, ndjson or html (as for a run)"))
      ->check(shown(CLI::IsMember(report_formats)))
      ->type_name("FMT");
  merge_cmd->add_option("-o,--output", opts.output, tr("Write to FILE (atomically)"))->type_name("FILE");
  auto* merge_top = merge_cmd->add_option("-n,--top", opts.top, tr("Pages to list"))
                        ->check(shown(CLI::NonNegativeNumber))
                        ->type_name("N");
  merge_cmd
      ->add_option("--min-visits", opts.min_visits, tr("Hide pages with fewer visits")) // not for translation
      ->check(shown(CLI::NonNegativeNumber))
      ->type_name("N");
  merge_cmd->add_option("--since", opts.since, tr("Count only hours at or after TIME"))->type_name("TIME");
  merge_cmd->add_option("--until", opts.until, tr("Count only hours before TIME"))->type_name("TIME");
  merge_cmd->add_option("--by", opts.by, tr("Split the report by hour, day, week or month"))
      ->check(shown(CLI::IsMember(period_names)))
      ->type_name("PERIOD");
  merge_cmd->add_option("--rules", opts.rules, tr("Rules on top of the built-in ones (for the weights)"))
      ->type_name("DIR")
      ->allow_extra_args(false)
      ->check(shown(CLI::ExistingDirectory));
  // not for translation: the option's name
  merge_cmd->add_option("--state-out", opts.state_out, tr("Also write the merged state to FILE"))
      ->type_name("FILE");
  merge_cmd->add_flag("-q,--quiet", opts.quiet, tr("No summary on standard error"));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const CLI::App& command = merge_cmd->parsed() ? *merge_cmd : app;
    print_error(localised_parse_error(e).value_or(e.what()) + did_you_mean(command, argc, argv) + "\n  " +
                (merge_cmd->parsed() ? tr("(see 'darkscan merge --help')") : tr("(see 'darkscan --help')")));
    return static_cast<int>(ExitCode::usage);
  }
  opts.top_given = top->count() > 0 || merge_top->count() > 0;
  opts.log_format_given = log_format->count() > 0;

  try {
    if (rules_check_cmd->parsed()) return rules_check(rules_dirs_arg);
    if (rules_ua_cmd->parsed()) return rules_ua(rules_dirs_arg);
    if (merge_cmd->parsed()) return run_merge(opts);
    return run(opts);
  } catch (const Error& e) {
    print_error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    print_error(tr("out of memory"));
    return static_cast<int>(ExitCode::input_failed);
  } catch (const std::exception& e) {
    // A failure no stage turned into an Error (a bug, or a system error).
    print_error(format_tr(N_("unexpected failure: {}"), e.what()));
    return static_cast<int>(ExitCode::input_failed);
  }
}

} // namespace darkscan
