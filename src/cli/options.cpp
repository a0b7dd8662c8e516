#include <darkscan/cli/cli_help.hpp>
#include <darkscan/cli/options.hpp>
#include <darkscan/common/i18n.hpp>
#include <darkscan/report/report.hpp>

#include <iterator>

namespace darkscan {

namespace {

// What -h and --help of every command say.
const char* help_flag_text() { return tr("Print this help message and exit"); }

// In English, CLI11 shows a validator's description after the metavariable ("N:NONNEGATIVE",
// "PERIOD:{hour,day,week,month}", "N:INT in [1 - 256]"): other languages show the metavariable
// alone, and the option's description says the rest in words.
CLI::Validator shown(CLI::Validator validator) {
  if (i18n::language() != "en") validator.description("");
  return validator;
}

// Refuses an empty value: `--state "$STATE"` with the variable unset was the option not given, so a
// cron job ran without its state (or its --output, --site, --since) and did not say so.
CLI::Validator non_empty() {
  return CLI::Validator(
      [](std::string& value) {
        return value.empty()
                   ? std::string(tr("the value is empty (an unset variable?): give one, or leave the "
                                    "option out"))
                   : std::string();
      },
      "", "NONEMPTY");
}

// What --output-format and --by take, for the run and for merge alike.
std::vector<std::string> report_format_names() {
  return std::vector<std::string>(std::begin(k_report_formats), std::end(k_report_formats));
}
std::vector<std::string> period_names() { return {"hour", "day", "week", "month"}; }

// CLI11's own words in --help, in the user's language, its layout, and the options every command has.
// Returns the name of the options' group, which the commands' options take too.
std::string set_up_help(CLI::App& app) {
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
  return options_group;
}

// A subcommand makes its -h,--help before it inherits the option group's name.
CLI::App* add_command(CLI::App& parent, const std::string& options_group, const char* name,
                      const std::string& description) {
  CLI::App* command = parent.add_subcommand(name, description);
  command->get_help_ptr()->group(options_group);
  return command;
}

// The run's inputs and what its report shows.
void add_report_options(CLI::App& app, CommandLine& opts, Commands& commands) {
  const std::vector<std::string> report_formats = report_format_names();
  // Option names and metavariables are what users type: only the descriptions are for translation.
  app.add_option(
         "FILE", opts.files,
         tr("Access logs to read, in any order: they are read oldest first ('-' or none: standard input)"))
      ->type_name("");
  commands.log_format =
      app.add_option("-f,--log-format", opts.log_format, // not for translation
                     tr("Preset name (combined, common, vcombined, combined-xff, caddy, "
                        "traefik-json, cloudflare, nginx-json, cloudfront, w3c), an nginx "
                        "log_format / Apache LogFormat string, a W3C '#Fields: ...' line or a "
                        "'json: key=field ...' map (default: detected per input)"))
          ->type_name("FMT");
  app.add_option("-F,--output-format", opts.output_format, // not for translation
                                                           // TRANSLATORS: the values (table, tsv, csv, json,
                                                           // ndjson, html) are what --output-format takes.
                 tr("table, tsv, csv, json, ndjson or html (one page with charts) for the report (default: "
                    "the -o file's extension, .json, .csv, .html...; else table on a terminal, tsv "
                    "otherwise); ndjson or tsv with --hits (default ndjson)"))
      ->check(shown(CLI::IsMember(report_formats)))
      ->type_name("FMT");
  app.add_option("-o,--output", opts.output, tr("Write to FILE (atomically: a temporary file, then rename)"))
      ->check(non_empty())
      ->type_name("FILE");
  commands.top = app.add_option("-n,--top", opts.top,
                                tr("Pages to list (default: 20 on a terminal, 100 in html, all otherwise)"))
                     ->check(shown(CLI::NonNegativeNumber))
                     ->type_name("N");
  app.add_option(
         "--keep-param", opts.keep_params, // not for translation
         tr("Keep query parameter NAME in page paths (repeatable), e.g. --keep-param id for /item?id=42"))
      ->check(non_empty())
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
      ->check(non_empty())
      ->type_name("HOST")
      ->allow_extra_args(false);
  app.add_option(
         "--trusted-proxy", opts.trusted_proxies, // not for translation
         tr("An address or range (CIDR) of your proxies or CDN, as for nginx's realip module (repeatable): "
            "X-Forwarded-For is then believed only from them, and the visitor is its last address that is "
            "not one of them; e.g. --trusted-proxy 10.0.0.0/8. Default: the first public address of "
            "X-Forwarded-For"))
      ->check(non_empty())
      ->type_name("CIDR")
      ->allow_extra_args(false);
  app.add_option("--host", opts.only_hosts, // not for translation
                 tr("Count only the lines that name this host ($host, %v), or a name under it (repeatable): "
                    "one site of a log of several sites; the lines of other hosts are left out, with a note. "
                    "Lines that name no host are kept"))
      ->check(non_empty())
      ->type_name("HOST")
      ->allow_extra_args(false);
  app.add_option(
         "--exclude-ip", opts.excluded_addresses, // not for translation
         tr("Leave out the lines of visitors from this address or range (CIDR; the visitor's address, "
            "behind proxies as for --trusted-proxy) (repeatable): your office, a monitor; e.g. "
            "--exclude-ip 196.1.95.0/24. The run says how many"))
      ->check(non_empty())
      ->type_name("CIDR")
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
      ->check(non_empty())
      ->type_name("TIME");
  app.add_option("--until", opts.until, tr("Count only hits before TIME (same forms as --since)"))
      ->check(non_empty())
      ->type_name("TIME");
  app.add_option("--by", opts.by,
                 // TRANSLATORS: hour, day, week and month are what --by takes: other languages name them
                 // (CLI11 lists them after PERIOD in English only).
                 tr("Split the report by hour, day, week or month (local time); with -o "
                    "'out/%Y-%m-%d.tsv', one file per period"))
      ->check(shown(CLI::IsMember(period_names())))
      ->type_name("PERIOD");
}

// The run's --hits, one record per hit, and the options that go with it.
void add_hits_options(CLI::App& app, CommandLine& opts) {
  app.add_flag("--hits", opts.hits, tr("Write one record per hit with its verdict instead of the report"));
  app.add_flag("--explain", opts.explain, tr("With --hits: add the text and origin of each matched rule"));
  app.add_option("--salt", opts.salt,
                 tr("With --hits: the secret mixed into visitor hashes (default: random each run, so hashes "
                    "cannot be linked across runs)"))
      ->check(non_empty())
      ->type_name("TEXT");
  app.add_flag("--show-ip", opts.show_ip, // not for translation
               tr("With --hits: add the client address (never shown otherwise)"));
}

// How the run reads the logs, what it keeps for the next (--state), what it says.
void add_run_options(CLI::App& app, CommandLine& opts) {
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
  // For tests of determinism across block sizes; not in --help. Its range is checked by
  // scan_options_from: CLI11 names no hidden option in its messages (": Value 1 not in range").
  // not for translation (hidden)
  app.add_option("--block-size", opts.block_size, "Bytes per block in a parallel scan")->group("");
  app.add_option(
         "--state", opts.state,
         tr("Continue from FILE if it exists, read only what is new in the logs (recognised by content, "
            "across rotation and compression), save FILE back; the report covers all it holds"))
      ->check(non_empty())
      ->type_name("FILE");
  app.add_option("--state-out", opts.state_out, // not for translation
                 tr("Write the state of this run to FILE (a shard for 'darkscan merge'; with --state, FILE "
                    "receives the update instead)"))
      ->check(non_empty())
      ->type_name("FILE");
  app.add_option("--state-keep", opts.state_keep, // not for translation
                 tr("With --state: keep only the counts of the last DURATION (48h, 90d, 12w, back from the "
                    "newest hit) in the state, so that it stops growing; older hours are dropped before the "
                    "report (default: keep all)"))
      ->check(non_empty())
      ->type_name("DURATION");
  app.add_flag("-q,--quiet", opts.quiet, tr("No run summary or notes on standard error"));
  app.add_flag("--list-formats", opts.list_formats, // not for translation
               tr("Show the log format presets and exit"));
}

// `darkscan rules check` and `darkscan rules ua`.
void add_rules_commands(CLI::App& app, CommandLine& opts, const std::string& options_group,
                        Commands& commands) {
  auto* rules_cmd = commands.rules = add_command(
      app, options_group, "rules", tr("Check or try the classification rules (see doc/RULES.md)"));
  rules_cmd->require_subcommand(1);
  rules_cmd->footer(
      tr("The rules files, their syntax and how to add your own: doc/RULES.md, man darkscan (RULES FILES)."));
  commands.rules_check = add_command(*rules_cmd, options_group, "check",
                                     tr("Load the built-in rules with DIR... on top (as --rules would) and "
                                        "print how many rules each file has"));
  // CLI11 names their values TEXT ("DIR TEXT:DIR ..."), in English only: "DIR ..." in other languages.
  const bool english = i18n::language() == "en";
  commands.rules_check->add_option("DIR", opts.rules_command_dirs, tr("Rules directories"))
      ->check(shown(CLI::ExistingDirectory))
      ->type_name(english ? "TEXT" : "");
  commands.rules_ua =
      add_command(*rules_cmd, options_group, "ua",
                  tr("Classify user agents read from standard input, one per line: kind, app, rule id"));
  commands.rules_ua
      ->add_option("--rules", opts.rules_command_dirs, tr("Rules directories on top of the built-in ones"))
      ->check(shown(CLI::ExistingDirectory))
      ->type_name(english ? "TEXT" : "DIR")
      ->allow_extra_args(false);
}

// `darkscan merge STATE...` and its options.
void add_merge_command(CLI::App& app, CommandLine& opts, const std::string& options_group,
                       Commands& commands) {
  const std::vector<std::string> report_formats = report_format_names();
  CLI::App* merge_cmd = add_command(
      app, options_group, "merge",
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
  merge_cmd->add_option("-o,--output", opts.output, tr("Write to FILE (atomically)"))
      ->check(non_empty())
      ->type_name("FILE");
  commands.merge_top = merge_cmd->add_option("-n,--top", opts.top, tr("Pages to list"))
                           ->check(shown(CLI::NonNegativeNumber))
                           ->type_name("N");
  merge_cmd
      ->add_option("--min-visits", opts.min_visits, tr("Hide pages with fewer visits")) // not for translation
      ->check(shown(CLI::NonNegativeNumber))
      ->type_name("N");
  merge_cmd->add_option("--since", opts.since, tr("Count only hours at or after TIME"))
      ->check(non_empty())
      ->type_name("TIME");
  merge_cmd->add_option("--until", opts.until, tr("Count only hours before TIME"))
      ->check(non_empty())
      ->type_name("TIME");
  merge_cmd->add_option("--by", opts.by, tr("Split the report by hour, day, week or month"))
      ->check(shown(CLI::IsMember(period_names())))
      ->type_name("PERIOD");
  merge_cmd->add_option("--rules", opts.rules, tr("Rules on top of the built-in ones (for the weights)"))
      ->type_name("DIR")
      ->allow_extra_args(false)
      ->check(shown(CLI::ExistingDirectory));
  // not for translation: the option's name
  merge_cmd->add_option("--state-out", opts.state_out, tr("Also write the merged state to FILE"))
      ->check(non_empty())
      ->type_name("FILE");
  merge_cmd
      ->add_option("--state-keep", opts.state_keep, // not for translation
                   tr("With --state-out: keep only the counts of the last DURATION (48h, 90d, 12w)"))
      ->check(non_empty())
      ->type_name("DURATION");
  merge_cmd->add_flag("-q,--quiet", opts.quiet, tr("No summary on standard error"));
  commands.merge = merge_cmd;
}

} // namespace

Commands define_commands(CLI::App& app, CommandLine& opts) {
  Commands commands;
  const std::string options_group = set_up_help(app);
  add_report_options(app, opts, commands);
  add_hits_options(app, opts);
  add_run_options(app, opts);
  add_rules_commands(app, opts, options_group, commands);
  add_merge_command(app, opts, options_group, commands);
  return commands;
}

} // namespace darkscan
