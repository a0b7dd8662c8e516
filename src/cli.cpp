#include <darkscan/cli.hpp>
#include <darkscan/error.hpp>
#include <darkscan/page_counts.hpp>
#include <darkscan/presets.hpp>
#include <darkscan/report.hpp>
#include <darkscan/scan.hpp>
#include <darkscan/util/atomic_file.hpp>
#include <darkscan/util/text.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace darkscan {

namespace {

constexpr std::size_t k_terminal_top = 20;

struct Options {
  std::vector<std::string> files;
  std::string log_format;
  bool log_format_given = false;
  std::string output_format;
  std::string output;
  std::size_t top = 0;
  bool top_given = false;
  bool strict = false;
  bool quiet = false;
  bool list_formats = false;
  std::size_t max_line = LineReader::k_default_max_line;
};

constexpr const char* k_footer = R"(Input:
  FILE may be plain or compressed with gzip (several members too), bzip2, xz or
  zstd: the codec is read from the first bytes, not the name. Files are read in
  the order given, so list rotated logs oldest first. No FILE, or '-', reads
  standard input.

Formats (--log-format):
  Without it, each input's format is detected from its first 50 lines among
  the presets below. Otherwise give a preset name, or the format string from
  your server's configuration:
    nginx:  --log-format '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'
    Apache: --log-format '%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"'
  Whole config lines (log_format main '...'; / LogFormat "..." name) work too.
  --list-formats shows the presets.

Examples:
  darkscan /var/log/nginx/access.log
  darkscan access.log.3.gz access.log.2.gz access.log.1 access.log
  zcat access.log.*.gz | darkscan -
  darkscan --output-format json access.log | jq .summary
  # crontab: nightly JSON summary of the rotated log, written atomically
  15 0 * * * darkscan -q -F json -o /var/lib/darkscan/daily.json /var/log/nginx/access.log.1

Exit status:
  0   success
  1   an input could not be opened or read to its end (the others were read)
  2   bad option or bad --log-format
  65  log format not recognised, or a malformed line under --strict
  73  the report could not be written (-o)
)";

std::string preset_list() {
  std::string out;
  for (const Preset& preset : presets()) {
    out += fmt::format("{}\n  {}\n  aliases: {}\n  {}\n", preset.name, preset.description, preset.aliases,
                       preset.spec);
  }
  return out;
}

class PageSink final : public HitSink {
public:
  explicit PageSink(PageCounts& pages) : m_pages(pages) {}
  void add(const Hit& hit) override { m_pages.add(hit); }

private:
  PageCounts& m_pages;
};

// Messages may quote log text: escape each of their lines for the terminal.
void print_error(const std::string& message) {
  std::string out = "darkscan: error: ";
  std::string_view rest = message;
  for (;;) {
    std::size_t nl = rest.find('\n');
    out += util::escape_for_terminal(rest.substr(0, nl));
    out += '\n';
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  std::fputs(out.c_str(), stderr);
}

void print_run_summary(const ScanTotals& t, double seconds) {
  std::string out = fmt::format(
      "darkscan: {} input{}, {} lines ({:.1f} MB) in {:.2f} s: {} parsed, {} malformed", t.inputs.size(),
      t.inputs.size() == 1 ? "" : "s", util::group_thousands(t.lines), static_cast<double>(t.bytes) / 1e6,
      seconds, util::group_thousands(t.parsed), util::group_thousands(t.malformed));
  if (t.empty) out += fmt::format(", {} empty", util::group_thousands(t.empty));
  out += '\n';
  if (!t.examples.empty()) {
    out += t.malformed > t.examples.size()
               ? fmt::format("darkscan: first {} malformed lines:\n", t.examples.size())
               : std::string("darkscan: malformed lines:\n");
    for (const MalformedLine& m : t.examples) {
      out += fmt::format("  {}:{}: {}\n", util::escape_for_terminal(m.file), m.line, m.reason);
    }
  }
  std::fputs(out.c_str(), stderr);
}

bool write_stdout(const std::string& text) {
  std::size_t written = std::fwrite(text.data(), 1, text.size(), stdout);
  return written == text.size() && std::fflush(stdout) == 0;
}

int run(const Options& opts) {
  if (opts.list_formats) {
    std::fputs(preset_list().c_str(), stdout);
    return 0;
  }
  const bool stdout_tty = ::isatty(STDOUT_FILENO) == 1;
  const bool to_terminal = opts.output.empty() && stdout_tty;
  const std::string output_format = !opts.output_format.empty() ? opts.output_format
                                    : to_terminal                ? "table"
                                                                 : "tsv";
  const bool colour = to_terminal && std::getenv("NO_COLOR") == nullptr;
  auto reporter = make_reporter(output_format, colour); // checks the name before any reading

  ScanOptions scan_options;
  if (opts.log_format_given) scan_options.format = resolve_format(opts.log_format);
  scan_options.strict = opts.strict;
  scan_options.max_line = opts.max_line;

  PageCounts pages;
  PageSink sink(pages);
  Scanner scanner(std::move(scan_options), sink, print_error);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> files = opts.files;
  if (files.empty()) files.push_back("-");
  for (const std::string& file : files) scanner.scan(file);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const ScanTotals& totals = scanner.totals();
  if (!opts.quiet) print_run_summary(totals, seconds);

  ReportData data{totals, pages, opts.top_given ? opts.top : (to_terminal ? k_terminal_top : pages.size()),
                  DARKSCAN_VERSION};
  std::string report;
  reporter->write(data, report);
  if (!opts.output.empty()) {
    util::write_file_atomically(opts.output, report);
  } else if (!write_stdout(report)) {
    throw Error("cannot write the report to standard output", ExitCode::cannot_write);
  }
  return static_cast<int>(totals.status);
}

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"darkscan " DARKSCAN_VERSION
               " - find the dark-social traffic (private shares through WhatsApp, Messenger,\n"
               "e-mail, ...) hidden as \"direct\" visits in Nginx and Apache access logs.",
               "darkscan"};
  app.footer(k_footer);
  app.set_version_flag("-V,--version", "darkscan " DARKSCAN_VERSION);
  app.get_formatter()->column_width(30);

  Options opts;
  app.add_option("FILE", opts.files, "Access logs to read, in order ('-' or none: standard input)")
      ->type_name("");
  auto* log_format = app.add_option("-f,--log-format", opts.log_format,
                 "Preset name (combined, common, vcombined, combined-xff) or an nginx log_format / Apache "
                 "LogFormat string (default: detected per input)")
      ->type_name("FMT");
  app.add_option("-F,--output-format", opts.output_format,
                 "table, tsv or json (default: table on a terminal, tsv otherwise)")
      ->check(CLI::IsMember({"table", "tsv", "json"}))
      ->type_name("FMT");
  app.add_option("-o,--output", opts.output,
                 "Write the report to FILE (atomically: a temporary file, then rename)")
      ->type_name("FILE");
  auto* top = app.add_option("-n,--top", opts.top,
                             "Pages to list (default: 20 on a terminal, all otherwise)")
                 ->type_name("N");
  app.add_flag("--strict", opts.strict, "Stop with exit status 65 at the first malformed line");
  app.add_option("--max-line-length", opts.max_line,
                 "Longer lines are counted as malformed and skipped (default: 65536)")
      ->check(CLI::Range(static_cast<std::size_t>(256), static_cast<std::size_t>(64) << 20))
      ->type_name("BYTES");
  app.add_flag("-q,--quiet", opts.quiet, "No run summary on standard error");
  app.add_flag("--list-formats", opts.list_formats, "Show the log format presets and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(std::string(e.what()) + "\n  (see 'darkscan --help')");
    return static_cast<int>(ExitCode::usage);
  }
  opts.top_given = top->count() > 0;
  opts.log_format_given = log_format->count() > 0;

  try {
    return run(opts);
  } catch (const Error& e) {
    print_error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return static_cast<int>(ExitCode::input_failed);
  }
}

} // namespace darkscan
