#include <darkscan/input/source.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/parse/w3c_format.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/util/time_parse.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace darkscan {

Scanner::Scanner(ScanOptions options, HitSink& sink, ErrorHandler on_error)
    : m_options(std::move(options)), m_sink(sink), m_on_error(std::move(on_error)) {}

void Scanner::fail(InputStats& input, Message why, ExitCode code) {
  input.error = std::move(why);
  if (m_totals.status == ExitCode::ok || code == ExitCode::input_failed) m_totals.status = code;
  m_on_error(input.error.local);
}

void Scanner::malformed(const std::string& file, std::uint64_t line_no, const Message& reason,
                        InputStats& input) {
  ++m_totals.malformed;
  if (++input.malformed == 1) input.first_malformed = message(N_("line {}: {}"), line_no, reason);
  if (m_options.strict) {
    throw Error(message(N_("{}:{}: {} (--strict stops at the first malformed line)"), file, line_no, reason),
                ExitCode::data);
  }
  if (m_totals.examples.size() < m_options.max_examples) m_totals.examples.push_back({file, line_no, reason});
}

bool Scanner::keeps_reason(const InputStats& input) const {
  return input.malformed == 0 || m_options.strict || m_totals.examples.size() < m_options.max_examples;
}

void Scanner::malformed_line(const Line& line, const ParseError* error, const LogFormat& format,
                             InputStats& input) {
  // The reason is written out only when it is kept: binary garbage makes millions of these.
  Message reason;
  if (keeps_reason(input)) {
    reason = error ? message(N_("{} at column {} (format {})"), translated(error->reason), error->column + 1,
                             format.name())
                   : message(N_("line longer than {} bytes, skipped (raise --max-line-length to read it)"),
                             m_options.max_line);
  }
  malformed(input.name, line.number, reason, input);
}

Scanner::LineResult Scanner::parse_line(const Line& line, const std::vector<LogFormat>& formats, Hit& hit,
                                        ParseError& error, util::Scratch* scratch) {
  if (line.overlong) return LineResult::overlong;
  if (line.text.empty()) return LineResult::empty;
  std::size_t fields = 0;
  const util::Scratch room = scratch ? *scratch : util::Scratch();
  if (formats.front().parse(line.text, hit, error, false, fields, scratch)) return LineResult::parsed;
  if (error.not_a_record) return LineResult::not_record;
  // A mixed file (detected formats only): a line of another preset's exact shape. Its values go
  // to the caller's room too: a block's hits live until it is decided, and the thread's own buffer
  // (no room given) is rewritten by the next line, which left earlier hits of the block pointing
  // at freed bytes (fuzz_pipeline, heap-use-after-free). The first format's bytes are given back.
  ParseError ignored;
  for (std::size_t i = 1; i < formats.size(); ++i) {
    if (scratch) *scratch = room;
    if (formats[i].parse(line.text, hit, ignored, true, fields, scratch)) return LineResult::parsed_other;
  }
  return LineResult::malformed;
}

bool Scanner::account(const Line& line, LineResult result, const ParseError& error,
                      const std::vector<LogFormat>& formats, Hit& hit, InputStats& input) {
  ++m_totals.lines;
  ++input.lines;
  switch (result) {
  case LineResult::overlong:
    ++m_totals.overlong;
    malformed_line(line, nullptr, formats.front(), input);
    return false;
  case LineResult::empty: ++m_totals.empty; return false;
  case LineResult::not_record:
    ++m_totals.not_records;
    ++input.not_records;
    return false;
  case LineResult::malformed: malformed_line(line, &error, formats.front(), input); return false;
  case LineResult::parsed_other: ++input.other_format; break;
  case LineResult::parsed: break;
  }
  if (hit.time != Hit::k_no_time && hit.time < m_skip_before) {
    ++m_totals.overlapping;
    if (input.overlapping++ == 0 || hit.time < input.overlap_first) input.overlap_first = hit.time;
    if (hit.time > input.overlap_last) input.overlap_last = hit.time;
    return false;
  }
  hit.file = input.name;
  hit.line = line.number;
  ++m_totals.parsed;
  ++input.parsed;
  input.with_referer += hit.has_referer;
  input.with_user_agent += hit.has_user_agent;
  input.referred += !hit.referer.empty();
  if (!hit.request_valid) ++m_totals.invalid_requests, ++input.invalid_requests;
  if (hit.time != Hit::k_no_time) {
    if (m_totals.first_time == Hit::k_no_time || hit.time < m_totals.first_time)
      m_totals.first_time = hit.time;
    if (m_totals.last_time == Hit::k_no_time || hit.time > m_totals.last_time) m_totals.last_time = hit.time;
    if (m_options.ledger && hit.time <= m_options.now) note_past_time(hit.time);
    // Older than the input's latest line, or than the inputs read before it (two servers' logs of
    // the same hours, given one after the other: a review, 2026-12-06, found them silent).
    const std::int64_t latest = std::max(input.max_time, m_read_until);
    if (latest != Hit::k_no_time && hit.time < latest - k_out_of_order_seconds)
      out_of_order(input, line.number, hit.time, latest);
    if (input.max_time == Hit::k_no_time || hit.time > input.max_time)
      input.max_time = hit.time, input.max_time_line = line.number;
    if (input.min_time == Hit::k_no_time || hit.time < input.min_time) input.min_time = hit.time;
  }
  return true;
}

// A line's time moves the end of what the state holds (last_past_time) only when the lines after it
// agree (are not more than k_out_of_order_seconds older): one line dated a year ahead (a clock set
// wrong, a line from another server) made every later run skip all its lines as already counted (a
// review, 2026-12-07). A time within k_out_of_order_seconds of the end is taken as it comes (a line
// logged late by a slow request is within what the next run allows). A time further ahead waits for
// the next line to agree, or for the end of its input. One far ahead (far_ahead) waits for
// k_votes_far lines that agree: two lines a month ahead in a row still poisoned the state (a review
// of the review). The end starts at the state's (history_end), so that a run's first lines are
// judged against it too (a third review).
namespace {
constexpr std::int64_t k_far_ahead = 86400;
constexpr int k_votes_far = 3;
} // namespace

// Far ahead: more than a day, or ten times the mean gap between the lines taken so far (a site with
// a line every 30 hours is no clock gone wrong at each line: a third review found its lines counted
// twice from a standard input that sent them again).
bool Scanner::far_ahead(std::int64_t t) const {
  if (m_time_accepted == Hit::k_no_time) return false;
  std::int64_t limit = k_far_ahead;
  if (m_times_taken >= 2)
    limit = std::max(limit,
                     10 * ((m_time_accepted - m_time_first) / static_cast<std::int64_t>(m_times_taken - 1)));
  return t - m_time_accepted > limit;
}

void Scanner::note_past_time(std::int64_t t) {
  if (m_time_pending != Hit::k_no_time) {
    if (t < m_time_pending - k_out_of_order_seconds) {
      m_time_pending = Hit::k_no_time; // contradicted: a line out of its place
    } else {
      m_pending_latest = std::max(m_pending_latest, t);
      if (++m_pending_votes < (far_ahead(m_time_pending) ? k_votes_far : 1)) return; // more must agree
      accept_past_time(m_time_pending);
      accept_past_time(m_pending_latest);
      m_time_pending = Hit::k_no_time;
      return;
    }
  }
  if (m_time_accepted != Hit::k_no_time && t <= m_time_accepted + k_out_of_order_seconds) {
    accept_past_time(t);
  } else {
    m_time_pending = m_pending_latest = t;
    m_pending_votes = 0;
  }
}

// The end of an input: a time not far ahead is its last line after a quiet spell (a small site's
// night), not a clock set wrong (left out, the next run counted that line twice: a review of the
// review). So is one far ahead whose lines after it agree and spread over a tenth of its jump at
// least: a sparse log going on after a quiet spell (a line every 30 hours: a third review), where a
// clock gone wrong bunches its lines (two lines a month ahead, a minute apart, at an input's end).
// Else it goes on waiting for lines that agree, in the next input.
void Scanner::end_past_time() {
  if (m_time_pending == Hit::k_no_time) return;
  const bool spread =
      m_pending_votes > 0 && (m_pending_latest - m_time_pending) * 10 >= m_time_pending - m_time_accepted;
  if (!far_ahead(m_time_pending) || spread) {
    accept_past_time(m_time_pending);
    accept_past_time(m_pending_latest);
    m_time_pending = Hit::k_no_time;
  }
}

void Scanner::accept_past_time(std::int64_t t) {
  if (m_time_accepted == Hit::k_no_time) m_time_first = t;
  if (m_time_accepted == Hit::k_no_time || t > m_time_accepted) m_time_accepted = t;
  ++m_times_taken;
  m_totals.last_past_time = m_time_accepted;
}

void Scanner::process(const Line& line, std::vector<LogFormat>& formats, InputStats& input) {
  ParseError error;
  const LineResult result = parse_line(line, formats, m_hit, error);
  if (result == LineResult::not_record && formats.front().syntax() == LogFormat::Syntax::w3c &&
      W3cFormat::is_fields_directive(line.text)) {
    if (auto next = fields_directive(line, formats.front(), input)) formats.front() = std::move(*next);
    return;
  }
  if (account(line, result, error, formats, m_hit, input)) m_sink.add(m_hit);
}

std::optional<LogFormat> Scanner::fields_directive(const Line& line, const LogFormat& current,
                                                   InputStats& input) {
  ++m_totals.lines;
  ++input.lines;
  try {
    LogFormat next = current.w3c_after(line.text);
    ++m_totals.not_records;
    ++input.not_records;
    return next;
  } catch (const Error& e) {
    // The lines after it are read with the fields before it, and will say if they do not fit.
    malformed(input.name, line.number, e.text(), input);
    return std::nullopt;
  }
}

// The first lines are kept: to detect the format, and to name a preset that fits them when the
// format given does not.
struct Scanner::FirstLines {
  struct Kept {
    std::string text;
    std::uint64_t number;
    bool overlong;
  };
  std::vector<Kept> kept;
  std::vector<std::string> sample; // their text, "" for an overlong one
};

void Scanner::scan(const std::string& path, std::unique_ptr<Source> opened) {
  m_totals.inputs.push_back({});
  InputStats& input = m_totals.inputs.back();
  input.name = path == "-" ? "(stdin)" : path; // not for translation: a name, as in the JSON report

  std::unique_ptr<Source> source = open_input(path, std::move(opened), input);
  if (!source) return;
  const Codec codec = source->codec();
  const std::uint64_t stored_size = source->stored_size();
  Resume resume;
  if (m_options.ledger && !resume_input(source, resume, input)) return;
  // The state's end is where this run's starts (note_past_time).
  if (m_options.ledger && m_options.history_end != Hit::k_no_time && m_time_accepted == Hit::k_no_time)
    m_time_accepted = m_time_first = m_options.history_end;
  m_skip_before = m_options.history_end != Hit::k_no_time && m_options.ledger
                      ? m_options.history_end - k_out_of_order_seconds
                      : Hit::k_no_time;
  LineReader reader(*source, m_options.max_line, resume.lines);
  FirstLines first;
  Line line;
  const auto keep = [&first](const Line& l) {
    first.kept.push_back({std::string(l.text), l.number, l.overlong});
    first.sample.push_back(l.overlong ? std::string() : std::string(l.text));
  };
  while (first.kept.size() < m_options.detect_lines && reader.next(line))
    keep(line);
  // Not one request among them (a Caddy journal's start-up and certificate records before its
  // first access record: a review, 2026-12-06, saw 60 of them make the file unreadable): more
  // lines, a block at a time, up to k_detect_more_lines or k_detect_more_bytes, until one is.
  if (!m_options.format && first.kept.size() == m_options.detect_lines) {
    std::size_t bytes = 0, from = 0;
    while (!sample_has_request(first.sample, from) && first.kept.size() < k_detect_more_lines &&
           bytes < k_detect_more_bytes) {
      from = first.kept.size();
      while (first.kept.size() < from + m_options.detect_lines && reader.next(line)) {
        keep(line);
        bytes += line.text.size();
      }
      if (first.kept.size() == from) break; // the end of the input
    }
  }
  std::vector<LogFormat> formats;
  if (!choose_formats(first, *source, formats, input)) return;
  for (const FirstLines::Kept& k : first.kept)
    process(Line{k.text, k.number, k.overlong}, formats, input);
  scan_rest(reader, *source, formats, input);
  end_past_time();

  note_input(formats.front(), input);
  if (input.max_time != Hit::k_no_time && (m_read_until == Hit::k_no_time || input.max_time > m_read_until)) {
    m_read_until = input.max_time, m_read_until_input = input.name;
    m_read_until_from = input.min_time;
  }
  if (!m_detected.empty() && !m_options.format && formats.front().syntax() == LogFormat::Syntax::w3c)
    m_detected = formats.front().spec();
  // A detected format is named only if the input held text to detect it on.
  if (m_options.format || input.parsed + input.malformed > 0) input.format = formats.front().name();
  input.bytes = reader.bytes();
  m_totals.bytes += input.bytes;
  if (m_options.ledger) record_in_ledger(resume, codec, stored_size, *source, input);
  judge_input(*source, formats.front(), first.sample, input);
}

std::unique_ptr<Source> Scanner::open_input(const std::string& path, std::unique_ptr<Source> opened,
                                            InputStats& input) {
  std::unique_ptr<Source> source = std::move(opened);
  try {
    if (!source) source = Source::open(path);
  } catch (const Error& e) {
    fail(input, e.text(), e.code());
    return nullptr;
  }
  input.codec = std::string(codec_name(source->codec()));
  return source;
}

bool Scanner::resume_input(std::unique_ptr<Source>& source, Resume& resume, InputStats& input) {
  const Codec codec = source->codec();
  const std::uint64_t stored_size = source->stored_size();
  resume = m_options.ledger->resume(std::move(source));
  source = std::move(resume.source);
  input.skipped_bytes = resume.offset;
  input.skipped_lines = resume.lines;
  if (!resume.whole) return true;
  m_options.ledger->record(resume, codec, stored_size, resume.offset, resume.lines, true, input.name,
                           m_options.now);
  return false;
}

bool Scanner::choose_formats(const FirstLines& first, const Source& source, std::vector<LogFormat>& formats,
                             InputStats& input) {
  const std::vector<std::string>& sample = first.sample;
  // With --log-format too: an archive's first line is its header, the log inside it a log. Its
  // text as read, also when it is overlong (the sample holds "" for such a line: a third review).
  if (const char* archive = first.kept.empty() ? nullptr : archive_problem({first.kept.front().text})) {
    fail(input, message(N_("{}\n  '{}' was skipped"), message(archive, input.name), input.name),
         ExitCode::input_failed);
    return false;
  }
  if (m_options.format) {
    formats.push_back(*m_options.format);
    return true;
  }
  try {
    formats = detect_formats(sample, input.name);
    if (std::any_of(sample.begin(), sample.end(), [](const std::string& l) { return !l.empty(); }))
      m_detected = formats.front().name();
  } catch (const Error& e) {
    if (!m_options.fallback_format) {
      // The lines read to detect the format count as read and malformed: "0 lines" would hide them.
      for (const FirstLines::Kept& k : first.kept) {
        ++input.lines;
        ++m_totals.lines;
        if (k.text.empty() && !k.overlong) {
          ++m_totals.empty;
        } else {
          ++input.malformed;
          ++m_totals.malformed;
        }
      }
      // A .gz broken in its first lines gave garbage or nothing to detect on: the damage is the
      // cause, not the format (a review, 2026-12-07, was sent to --log-format by a CRC error).
      if (!source.error().empty()) {
        input.broke_off = true;
        fail(input,
             message(N_("'{}': {} after line {}, before its format could be recognised; '{}' was skipped"),
                     input.name, source.error(), first.kept.size(), input.name),
             ExitCode::input_failed);
        return false;
      }
      fail(input, message(N_("{}\n  '{}' was skipped"), e.text(), input.name), e.code());
      return false;
    }
    formats = {*m_options.fallback_format};
  }
  return true;
}

void Scanner::scan_rest(LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
                        InputStats& input) {
  if (m_options.threads > 1) {
    if (auto preparer = m_sink.preparer()) {
      preparer.reset();
      scan_parallel(reader, source, formats, input);
      return;
    }
  }
  scan_serial(reader, source, formats, input);
}

void Scanner::record_in_ledger(const Resume& resume, Codec codec, std::uint64_t stored_size,
                               const Source& source, const InputStats& input) {
  if (resume.known && input.bytes == 0 && stored_size != 0 && codec == Codec::plain &&
      stored_size < resume.offset && m_options.note) {
    m_options.note(message(N_("'{}' is shorter than when it was last read ({} < {} bytes): it was "
                              "truncated or replaced; nothing new was read from it"),
                           input.name, stored_size, resume.offset));
  }
  m_options.ledger->record(resume, codec, stored_size, resume.offset + input.bytes,
                           resume.lines + input.lines, codec != Codec::plain && source.error().empty(),
                           input.name, m_options.now);
}

void Scanner::out_of_order(InputStats& input, std::uint64_t line_no, std::int64_t time,
                           std::int64_t latest) const {
  if (input.out_of_order++ == 0) {
    if (latest != input.max_time) input.out_of_order_after = m_read_until_input;
    // The line that set the time it comes after, when it is this input's: one line dated ahead of
    // the rest (a clock set wrong) is the one to look at, not the hundreds after it (a review,
    // 2026-12-07).
    input.first_out_of_order =
        latest == input.max_time
            ? message(N_("line {} ({}) comes after line {} ({})"), line_no, util::format_utc(time),
                      input.max_time_line, util::format_utc(latest))
            : message(N_("line {} ({}) comes after {}"), line_no, util::format_utc(time),
                      util::format_utc(latest));
  }
}

void Scanner::scan_serial(LineReader& reader, const Source& source, std::vector<LogFormat>& formats,
                          InputStats& input) {
  Line line;
  if (!m_options.progress) {
    while (reader.next(line))
      process(line, formats, input);
    return;
  }
  constexpr std::uint64_t k_every = 16384; // lines between progress reports
  std::uint64_t countdown = k_every;
  while (reader.next(line)) {
    process(line, formats, input);
    if (--countdown == 0) {
      countdown = k_every;
      m_options.progress(source, false);
    }
  }
  m_options.progress(source, true);
}

} // namespace darkscan
