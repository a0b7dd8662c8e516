#include <darkscan/cli/cli.hpp>
#include <darkscan/cli/cli_parse_errors.hpp>
#include <darkscan/cli/diagnostics.hpp>
#include <darkscan/cli/merge_command.hpp>
#include <darkscan/cli/options.hpp>
#include <darkscan/cli/rules_command.hpp>
#include <darkscan/cli/run.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/common/i18n.hpp>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <string>

namespace darkscan {

namespace {

// What was written to standard output reached it, or the run fails: `rules ua > /dev/full`, --help
// and --version into a closed stdout exited 0 (a robustness review, 2026-12-06). A report checks
// its own writes (Output); this is for the rest. A closed pipe (EPIPE: `| head`) is no error to tell.
int with_stdout_checked(int code) {
  if (code != 0) return code; // the failure is told already
  errno = 0;
  std::cout.flush();
  const bool failed = !std::cout.good() || std::fflush(stdout) != 0 || std::ferror(stdout);
  if (!failed || errno == EPIPE) return code;
  print_error(
      format_tr(N_("cannot write to standard output: {}"), system_message(errno ? errno : EIO).local));
  return static_cast<int>(ExitCode::cannot_write);
}

int run_command(int argc, char** argv);

} // namespace

int run_cli(int argc, char** argv) { return with_stdout_checked(run_command(argc, argv)); }

namespace {

int run_command(int argc, char** argv) {
  i18n::init(); // before any text is made: --help's descriptions are translated as they are added
  CLI::App app{
      format_tr(N_("darkscan {} - find the dark-social traffic (private shares through WhatsApp, "
                   "Messenger,\ne-mail, ...) hidden as \"direct\" visits in Nginx and Apache access logs."),
                DARKSCAN_VERSION),
      "darkscan"};
  CommandLine opts;
  const Commands commands = define_commands(app, opts);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const CLI::App& command = commands.merge->parsed() ? *commands.merge : app;
    // `darkscan rules chek`: CLI11 says no more than that a subcommand is required (a review,
    // 2026-12-07); the word typed is named, and the subcommand it is closest to.
    const bool rules = dynamic_cast<const CLI::RequiredError*>(&e) && commands.rules->parsed();
    if (const auto typo = rules ? unknown_rules_subcommand(argc, argv) : std::nullopt) {
      print_error(*typo);
    } else {
      print_error(localised_parse_error(e).value_or(e.what()) + did_you_mean(command, argc, argv) + "\n  " +
                  (commands.merge->parsed() ? tr("(see 'darkscan merge --help')")
                   : rules                  ? tr("(see 'darkscan rules --help')")
                                            : tr("(see 'darkscan --help')")));
    }
    return static_cast<int>(ExitCode::usage);
  }
  // `darkscan access.log merge web1.state`: the FILE before the subcommand was dropped without a
  // word, and --hits before `merge` too (a review, 2026-12-07).
  if ((commands.merge->parsed() || commands.rules->parsed()) && (!opts.files.empty() || opts.hits)) {
    print_error(
        format_tr(N_("'{}' comes before the subcommand '{}', which does not read it: a run's logs and "
                     "--hits go without a subcommand; a subcommand's arguments go after its name"),
                  opts.files.empty() ? std::string("--hits") : opts.files.front(), // not for translation
                  commands.merge->parsed() ? "merge" : "rules") +                  // not for translation
        "\n  " +
        tr("(see 'darkscan --help')"));
    return static_cast<int>(ExitCode::usage);
  }
  opts.top_given = commands.top->count() > 0 || commands.merge_top->count() > 0;
  opts.log_format_given = commands.log_format->count() > 0;

  try {
    if (commands.rules_check->parsed()) return rules_check(opts.rules_command_dirs);
    if (commands.rules_ua->parsed()) return rules_ua(opts.rules_command_dirs);
    if (commands.merge->parsed()) return run_merge(opts);
    return run_scan(opts);
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

} // namespace

} // namespace darkscan
