#pragma once

#include <darkscan/classify/prepared.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/input/ledger.hpp>
#include <darkscan/input/lines.hpp>
#include <darkscan/input/source.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/parse/log_format.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace darkscan {

// Receives every parsed hit, in input order.
class HitSink {
public:
  virtual ~HitSink() = default;
  virtual void add(const Hit& hit) = 0;

  // Parallel scans (ScanOptions::threads > 1) call, instead of add(): a
  // preparer's prepare() for each hit on worker threads, in any order, then
  // decide() on one thread in input order. A sink that returns no preparer is
  // always fed serially through add().
  virtual std::unique_ptr<HitPreparer> preparer() { return nullptr; }
  virtual void decide(const Hit& hit, const Prepared& prepared, std::string_view arena) {
    (void)prepared;
    (void)arena;
    add(hit);
  }
  // A hint, a few hits before decide(): start loading what deciding `prepared` will touch.
  virtual void prefetch(const Prepared& prepared) const { (void)prepared; }
};

// A line this much older than a line read before it in the same input means the input is not in
// time order (files concatenated newest first). Servers write lines in nearly time order: nginx's
// $time_local is the time of logging, Apache's %t the time a request started, so a line is late by
// at most its request's duration, and the default timeouts that bound it are 60 s (nginx
// send_timeout, proxy_read_timeout; Apache Timeout). Ten minutes leaves room for slow downloads.
inline constexpr std::int64_t k_out_of_order_seconds = 600;
// How far detection reads on when no line of the first detect_lines is a request to any preset.
inline constexpr std::size_t k_detect_more_lines = 10000;
inline constexpr std::size_t k_detect_more_bytes = std::size_t{4} << 20;

// A malformed line kept for the run summary.
struct MalformedLine {
  std::string file;
  std::uint64_t line = 0;
  Message reason;
};

// What was read from one input.
struct InputStats {
  std::string name;
  std::string codec;
  std::string format;      // format name used, empty if none was found
  std::uint64_t lines = 0; // every line, empty and malformed ones included
  std::uint64_t parsed = 0;
  std::uint64_t malformed = 0;
  std::uint64_t other_format = 0; // parsed by a preset other than `format` (mixed file)
  std::uint64_t not_records = 0;  // lines of the format that are not requests (see ScanTotals)
  std::uint64_t with_referer = 0, with_user_agent = 0; // parsed hits whose line logs that field
  std::uint64_t referred = 0;                          // parsed hits with a referrer
  std::uint64_t invalid_requests = 0; // parsed hits whose request is no request ("-", TLS bytes)
  std::uint64_t bytes = 0;                             // decoded bytes read
  Message error;                          // why the input was not read (to its end), or read nothing
  bool broke_off = false;                 // its data broke off (corrupt or cut): the lines before were read
  Message first_malformed;                // "line N: reason" of its first malformed line, if any
  std::int64_t max_time = Hit::k_no_time; // the latest time read so far
  std::int64_t min_time = Hit::k_no_time; // the earliest
  std::uint64_t max_time_line = 0;        // the line that has it
  std::uint64_t out_of_order = 0;         // lines more than k_out_of_order older than a line before them
  Message first_out_of_order;             // "line N (time) after time", for the note
  std::string out_of_order_after;         // the input read before whose last line it goes back, or ""
  std::uint64_t overlapping = 0;          // lines skipped: older than what the state (--state) holds
  std::int64_t overlap_first = Hit::k_no_time, overlap_last = Hit::k_no_time;
  std::uint64_t skipped_bytes = 0; // decoded bytes read by earlier runs (--state), not read again
  std::uint64_t skipped_lines = 0; // the lines in them
};

// Totals of a run over all inputs.
struct ScanTotals {
  std::uint64_t lines = 0;
  std::uint64_t parsed = 0;
  std::uint64_t malformed = 0; // includes overlong lines
  std::uint64_t empty = 0;
  std::uint64_t overlapping = 0; // parsed, but skipped as older than what the state holds (see InputStats)
  std::uint64_t overlong = 0;
  // Well-formed lines that are not requests: W3C directives ("#Fields: ..."), JSON records of
  // another kind (a server's start-up message in its log). Neither parsed nor malformed.
  std::uint64_t not_records = 0;
  std::uint64_t invalid_requests = 0; // parsed, but the request is not METHOD TARGET
  std::uint64_t bytes = 0;
  std::int64_t first_time = Hit::k_no_time;
  std::int64_t last_time = Hit::k_no_time;
  // With a state: the time of each input's last line not after the run's clock (ScanOptions::now),
  // the latest over the inputs. A line dated in the future (a clock set wrong), or ahead of the
  // lines after it, must not make the next run skip its lines as already counted.
  std::int64_t last_past_time = Hit::k_no_time;
  std::vector<MalformedLine> examples; // the first few malformed lines
  std::vector<Message> notes;          // the notes of the run (filled by the CLI, for the report)
  std::optional<std::int64_t> window_start, window_end; // --since, --until (filled by the CLI)
  std::vector<InputStats> inputs;
  ExitCode status = ExitCode::ok; // worst problem met (input_failed, data)

  // The inputs with an error: not opened, recognised or read to their end, or nothing parsed.
  std::size_t inputs_failed() const {
    std::size_t n = 0;
    for (const InputStats& in : inputs)
      n += !in.error.empty();
    return n;
  }
};

struct ScanOptions {
  std::optional<LogFormat> format; // none: detect per input
  bool strict = false;             // a malformed line throws Error(ExitCode::data)
  std::size_t max_line = LineReader::k_default_max_line;
  std::size_t max_examples = 10;
  std::size_t detect_lines = 50;
  std::size_t threads = 1;             // > 1: parse and prepare hits on this many worker threads
  std::size_t block_bytes = 512 << 10; // bytes of whole lines per block in a parallel scan
  // Called every few thousand lines and at the end of each input, for a
  // progress display; may be empty.
  std::function<void(const Source& source, bool done)> progress{};
  // With a state (--state): inputs are recognised by their first bytes, and
  // read from where earlier runs stopped; the ledger is updated. `now` is
  // the wall-clock time recorded in it.
  Ledger* ledger = nullptr;
  std::int64_t now = 0;
  // Used when detection finds no format in an input's first lines (a state's
  // log that has only a few new lines, the first of them damaged).
  std::optional<LogFormat> fallback_format{};
  // With a state: the time of the last hit it holds. New lines older than that by more than
  // k_out_of_order_seconds are skipped (counted as overlapping): the state counts that time
  // already, and the same lines under another name would count twice. A log that grows, or is
  // rotated, only adds lines after it.
  std::int64_t history_end = Hit::k_no_time;
  // Called with advice about an input (its format lacks a field darkscan
  // needs); may be empty.
  std::function<void(const Message& message)> note{};
};

// Reads inputs one after another, parses every line and hands hits to a
// sink. Errors on one input (cannot open, corrupt data, unknown format) are
// reported through `on_error` and recorded; the next input is still read.
class Scanner {
public:
  using ErrorHandler = std::function<void(const std::string& message)>;

  Scanner(ScanOptions options, HitSink& sink, ErrorHandler on_error);

  // Reads `path` ("-" for standard input) to its end, from `opened` when given (an input read
  // ahead to learn content parameters from: replay_source.hpp). Throws only under --strict, on the first
  // malformed line.
  void scan(const std::string& path, std::unique_ptr<Source> opened = nullptr);

  const ScanTotals& totals() const { return m_totals; }
  // The preset detected in the last input that had one ("" if none), as --log-format takes it: for a
  // W3C log, its last "#Fields" directive, so that a later run (--state) that starts after it reads
  // the rest of the file with the same fields.
  const std::string& detected_format() const { return m_detected; }

private:
  enum class LineResult : std::uint8_t { parsed, parsed_other, empty, malformed, overlong, not_record };
  struct FirstLines; // scan.cpp: an input's first lines, kept to detect its format

  // The steps of scan() for one input, in order. Each that can end the input's scan returns false
  // (or null) when it does.
  std::unique_ptr<Source> open_input(const std::string& path, std::unique_ptr<Source> opened,
                                     InputStats& input);
  // With a ledger (--state): `source` moves on to where earlier runs stopped; false when they read it all.
  bool resume_input(std::unique_ptr<Source>& source, Resume& resume, InputStats& input);
  // --log-format, or the format detected on the first lines; false when none fits (counted, failed).
  bool choose_formats(const FirstLines& first, const Source& source, std::vector<LogFormat>& formats,
                      InputStats& input);
  // The lines after the first ones, on one thread or several.
  void scan_rest(LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
                 InputStats& input);
  // With a ledger: where the input now ends, and whether it was read to its end.
  void record_in_ledger(const Resume& resume, Codec codec, std::uint64_t stored_size, const Source& source,
                        const InputStats& input);
  // input_notes.cpp: the notes on an input read (fields its format lacks, time order, overlap with
  // the state); then whether it failed: damaged, no request in it, or (almost) nothing readable.
  void note_input(const LogFormat& format, const InputStats& input) const;
  void judge_input(const Source& source, const LogFormat& format, const std::vector<std::string>& sample,
                   InputStats& input);
  // Notes that the input's format logs no referrer or no user agent, and what to log instead.
  void note_missing_fields(const LogFormat& format, const InputStats& input) const;
  // True when (almost) no line of `input` could be parsed: a wrong format or not a log.
  bool unreadable(const InputStats& input) const;

  // Pure: safe on any thread. Rewritten values (JSON escapes, W3C encodings) go into `scratch`,
  // or a buffer of this thread's for one line when it is null.
  static LineResult parse_line(const Line& line, const std::vector<LogFormat>& formats, Hit& hit,
                               ParseError& error, util::Scratch* scratch = nullptr);
  // Counts a W3C "#Fields" directive: as a line that is not a record, with the format compiled from
  // it for the lines after it; or as malformed when it names no request field (nothing returned:
  // the lines after it are read with the fields before it). The serial and the parallel scan both
  // count directives here, so that their totals agree.
  std::optional<LogFormat> fields_directive(const Line& line, const LogFormat& current, InputStats& input);
  // Counts the line; true when `hit` is a parsed hit for the sink.
  bool account(const Line& line, LineResult result, const ParseError& error,
               const std::vector<LogFormat>& formats, Hit& hit, InputStats& input);
  void process(const Line& line, std::vector<LogFormat>& formats, InputStats& input);
  // With a state: a hit's time, toward last_past_time (scan.cpp).
  void note_past_time(std::int64_t t);
  void end_past_time();
  bool far_ahead(std::int64_t t) const;
  void accept_past_time(std::int64_t t);
  void scan_serial(LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
                   InputStats& input);
  // scan_parallel.cpp: blocks of lines parsed and prepared on worker threads,
  // accounted and decided here in input order (by a ParallelScan).
  class ParallelScan;
  void scan_parallel(LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
                     InputStats& input);
  void malformed(const std::string& file, std::uint64_t line_no, const Message& reason, InputStats& input);
  // Whether the next malformed line's reason is kept (first of its input, an example, --strict).
  bool keeps_reason(const InputStats& input) const;
  // A malformed line (`error`) or an overlong one (null) counted, and its reason kept if it is. Out
  // of line and cold, so that account() stays small enough to be inlined in the per-line loop
  // (callgrind: +36 instructions a line when it was not).
  [[gnu::cold, gnu::noinline]] void malformed_line(const Line& line, const ParseError* error,
                                                   const LogFormat& format, InputStats& input);
  void fail(InputStats& input, Message why, ExitCode code);
  // Counts a line of `input` older by k_out_of_order_seconds than `latest`, the latest line read
  // before it in this input or an earlier one.
  void out_of_order(InputStats& input, std::uint64_t line_no, std::int64_t time, std::int64_t latest) const;

  ScanOptions m_options;
  HitSink& m_sink;
  ErrorHandler m_on_error;
  ScanTotals m_totals;
  Hit m_hit;
  std::string m_detected;
  std::int64_t m_skip_before = Hit::k_no_time; // for the input being read: see history_end
  std::int64_t m_read_until = Hit::k_no_time;  // the latest line of the inputs read before this one
  std::string m_read_until_input;              // the input that line is in
  std::int64_t m_read_until_from = Hit::k_no_time; // the earliest line of that input
  std::int64_t m_time_accepted = Hit::k_no_time; // the end of the inputs so far (note_past_time)
  std::int64_t m_time_first = Hit::k_no_time;    // the first time taken, for the mean gap
  std::uint64_t m_times_taken = 0;               // the times taken
  std::int64_t m_time_pending = Hit::k_no_time;  // a time ahead of it, until lines after it agree
  std::int64_t m_pending_latest = Hit::k_no_time; // the latest of it and the lines that agreed
  int m_pending_votes = 0;                       // the lines that agreed so far
};

} // namespace darkscan
