// What the scan says about an input once read: notes (fields its format lacks, lines out of time
// order, lines the state already counts) and whether it failed (damaged, no request in it, or
// (almost) nothing readable with its format).
#include <darkscan/input/source.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/scan/scan.hpp>
#include <darkscan/util/time_parse.hpp>

#include <algorithm>

namespace darkscan {

namespace {

// A hint naming the preset that fits `sample` (the input's first lines) when it is not `used`.
Message fitting_preset(const std::vector<std::string>& sample, const std::string& name,
                       const std::string& used) {
  try {
    const std::string fits = detect_formats(sample, name).front().name();
    if (fits != used)
      return message(N_("\n  its first lines fit preset '{0}': give -f {0}, or no -f to detect it"), fits);
  } catch (const Error&) {
    // No preset fits either: the message already shows the first malformed line.
  }
  return {};
}

} // namespace

void Scanner::note_input(const LogFormat& format, const InputStats& input) const {
  if (m_options.note && (m_options.format || input.parsed > 0) && !unreadable(input))
    note_missing_fields(format, input);
  // Two inputs overlap when this one has lines older than the end of an input read before it and its
  // own last line is later than that input's first. Inputs are read in the order of their first lines,
  // so a sparse http log may end before the https one (a review of the fixes); the start of a third
  // input read before both is no overlap (a second review). When every line is older, the inputs were
  // read in the wrong order (standard input after a newer file): the next note says so.
  if (input.out_of_order > 0 && m_options.note && !input.out_of_order_after.empty() &&
      input.max_time > m_read_until_from + k_out_of_order_seconds) {
    // Two logs of the same hours, both given: "give the files themselves" told the user to do what
    // they had done (a first-time user's and a CDN review, 2026-12-07: a site's http and https logs,
    // CloudFront's several files of one hour).
    m_options.note(message(
        N_("'{}' covers hours that '{}', read before it, covers too: {} lines are more than {} minutes older "
           "than that input's last line; the first: {}. Inputs are read one after the other, so a reader "
           "found in both (a site's http and https logs, two servers', CloudFront's several files of one "
           "hour) has visits cut in two, and the estimate is a little off; for exact visits, interleave "
           "their lines by time first (README, 'Logs of the same hours')"),
        input.name, input.out_of_order_after, count_message(input.out_of_order), k_out_of_order_seconds / 60,
        input.first_out_of_order));
  } else if (input.out_of_order > 0 && m_options.note) {
    m_options.note(message(
        N_("'{}' is not in time order: {} lines are more than {} minutes older than a line before them (in "
           "it or in an input read before it); the first: {}. Visits and previews are decided in reading "
           "order, so the estimate is off: give the files themselves (darkscan reads them in time order), or "
           "concatenate them oldest first; two servers' logs of the same hours go into a state each "
           "(--state-out), then 'darkscan merge'"),
        input.name, count_message(input.out_of_order), k_out_of_order_seconds / 60,
        input.first_out_of_order));
  }
  if (input.overlapping > 0 && m_options.note) {
    m_options.note(message(
        N_("'{}' holds {} new lines from {} to {}, a time the state already counts (up to {}): they were "
           "left out, so that they do not count twice (the same lines under another name, or a copy that "
           "goes on where a file the state read stops?); its lines of the last {} minutes the state counts "
           "were read, as logs are not quite in time order, and count twice if the state held them. Another "
           "server's log of the same time goes into a state of its own: --state-out, then 'darkscan merge'"),
        input.name, count_message(input.overlapping), util::format_utc(input.overlap_first),
        util::format_utc(input.overlap_last), util::format_utc(m_options.history_end),
        k_out_of_order_seconds / 60));
  }
}

void Scanner::judge_input(const Source& source, const LogFormat& format,
                          const std::vector<std::string>& sample, InputStats& input) {
  if (!source.error().empty()) {
    input.broke_off = true;
    fail(input,
         input.lines == 0
             ? message(N_("'{}': {} at its start: not one line could be read"), input.name, source.error())
             : message(N_("'{}': {} after line {}; the lines before it were read"), input.name,
                       source.error(), input.lines),
         ExitCode::input_failed);
  } else if (input.parsed == 0 && input.malformed == 0 && input.not_records > 0 &&
             format.syntax() == LogFormat::Syntax::json &&
             std::any_of(sample.begin(), sample.end(),
                         [](const std::string& l) { return l.find("\\x") != std::string::npos; })) {
    // Every value nginx escaped its way ("\x22"): no JSON preset reads the record's request.
    fail(input,
         message(N_("'{}': its JSON records hold \\xHH escapes, which JSON does not have: nginx writes them "
                    "when its log_format lacks escape=json; add escape=json to it (log_format name "
                    "escape=json '{{...}}')"),
                 input.name),
         ExitCode::input_failed);
  } else if (input.parsed == 0 && input.malformed == 0 && input.not_records > 0 &&
             format.syntax() == LogFormat::Syntax::json) {
    fail(input,
         message(N_("'{}': none of its {} JSON records is a request (no URI or path key): is it an "
                    "application's log rather than an access log? Give --log-format 'json: key=field ...' "
                    "naming its keys (see --list-formats)"),
                 input.name, count_message(input.not_records)),
         ExitCode::input_failed);
  } else if (input.parsed >= 10 && input.skipped_lines == 0 && input.invalid_requests == input.parsed &&
             format.name() == "custom") { // not for translation: a format's name
    // Every line parsed, none with a request: a format of the user's whose request field does not
    // match the log (an unquoted %r at the end of the format takes the rest of each line; a
    // robustness review, 2026-12-06: "334 parsed, 0 malformed", an empty report and exit 0). With a
    // preset, such lines are TLS probes and "-" requests, a quiet night's log of scanners; and a few
    // such lines, or the new lines of an input read before (--state), are no sign of a wrong format.
    fail(input,
         message(
             N_("'{}': none of its {} lines holds a request that can be read (\"GET /path HTTP/1.1\") with "
                "format '{}': does the format quote the request as the log does (\"%r\" in Apache, "
                "\"$request\" in nginx)?"),
             input.name, count_message(input.parsed), format.name()),
         ExitCode::input_failed);
  } else if (unreadable(input)) {
    const std::string& used = format.name();
    const Message read = input.parsed == 0
                             ? message(N_("none of its {} lines"), count_message(input.malformed))
                             : message(N_("only {} of its {} lines"), count_message(input.parsed),
                                       count_message(input.parsed + input.malformed));
    fail(input,
         message(N_("'{}': {} could be read with format '{}'; first malformed: {}{}"), input.name, read, used,
                 input.first_malformed, fitting_preset(sample, input.name, used)),
         ExitCode::input_failed);
  }
}

void Scanner::note_missing_fields(const LogFormat& f, const InputStats& input) const {
  // A JSON or W3C log says per line what it logs (a Logpush job's fields, Traefik's kept headers):
  // a field none of its lines had is missing; a text format says it in its format string.
  const bool text = f.syntax() == LogFormat::Syntax::text;
  const bool referer = text ? f.has(FieldKind::referer) : input.parsed == 0 || input.with_referer > 0;
  const bool agent = text ? f.has(FieldKind::user_agent) : input.parsed == 0 || input.with_user_agent > 0;
  Message how = translated(N_("log \"$http_referer\" \"$http_user_agent\" (nginx combined)"));
  if (f.name() == "traefik-json") // not for translation: a preset name
    how = translated(N_("Traefik drops request headers unless told: set "
                        "accessLog.fields.headers.names.Referer=keep and "
                        "accessLog.fields.headers.names.User-Agent=keep"));
  else if (f.name() == "cloudflare")
    how = translated(N_("add ClientRequestReferer and ClientRequestUserAgent to the Logpush job's fields"));
  else if (f.name() == "caddy")
    how = translated(
        N_("log the request headers (Caddy logs them unless a log filter deletes request>headers)"));
  else if (f.syntax() == LogFormat::Syntax::w3c)
    how = translated(N_("log the cs(Referer) and cs(User-Agent) fields"));
  // A visitor is an address and an agent: without an address, every reader of one browser version is one
  // visitor, and their visits merge (a formats review, 2026-12-07: 3 readers, 1 visit, without a word).
  if (text && !f.has(FieldKind::client) && !f.has(FieldKind::forwarded_for)) {
    m_options.note(message(N_("'{}' ({}) logs no client address: the readers of one browser are one visitor, "
                              "whose visits merge; log $remote_addr (nginx) or %h (Apache)"),
                           input.name, f.name()));
  }
  // A Logpush job without EdgeStartTimestamp: silent, and --by day made one period named "" (a CDN
  // review, 2026-12-07).
  if (input.parsed > 0 && input.max_time == Hit::k_no_time) {
    m_options.note(
        message(N_("'{}' ({}) logs no time: visits cannot be told apart by time, and --since, --until "
                   "and --by cannot place its lines; log the request's time ({})"),
                input.name, f.name(),
                f.syntax() == LogFormat::Syntax::w3c
                    ? translated(N_("the date and time fields"))
                    : translated(N_("$time_local in nginx, %t in Apache, EdgeStartTimestamp in a "
                                    "Logpush job"))));
  }
  // Traefik keeps each header or not: User-Agent kept and Referer not reads every visit as
  // referrer-less (a CDN review, 2026-12-07: 77% dark social). Said, not decided: a file that opens
  // with health checks has no Referer in its first lines (a review of a first fix that decided).
  const bool traefik = f.name() == "traefik-json"; // not for translation: a preset name
  if (traefik && input.parsed >= 20 && input.referred == 0 && input.with_user_agent > 0 && referer) {
    m_options.note(
        message(N_("'{}' (traefik-json): none of its {} records has a request_Referer: if Traefik does "
                   "not keep that header (accessLog.fields.headers.names.Referer=keep), every visit "
                   "from another site is counted as one without a referrer, and the estimate is too "
                   "high"),
                input.name, count_message(input.parsed)));
  }
  if (!referer && !agent) {
    m_options.note(
        message(N_("'{}' ({}) logs no referrer and no user agent: where visitors came from cannot "
                   "be known, so no dark-social share is given for its visits (n/a; null in JSON), "
                   "and bots, previews and in-app browsers cannot be recognised; {} for an estimate"),
                input.name, f.name(), how));
  } else if (!referer) {
    m_options.note(message(N_("'{}' ({}) logs no referrer: where visitors came from cannot be known, so no "
                              "dark-social share is given for its visits (n/a; null in JSON) unless a tag or "
                              "an in-app browser says; {} for an estimate"),
                           input.name, f.name(), text ? translated(N_("log \"$http_referer\"")) : how));
  } else if (!agent && text) {
    m_options.note(message(N_("'{}' ({}) logs no user agent: bots, previews and in-app browsers cannot be "
                              "recognised"),
                           input.name, f.name()));
  } else if (!agent) {
    m_options.note(message(N_("'{}' ({}) logs no user agent: bots, previews and in-app browsers cannot be "
                              "recognised; {}"),
                           input.name, f.name(), how));
  }
}

bool Scanner::unreadable(const InputStats& input) const {
  if (input.malformed == 0) return false;
  // Lines left out as already counted by the state (overlapping) were read well (a review: a copy of
  // a log the state had read, with one cut line, was "none of its 1 lines could be read").
  const std::uint64_t read = input.parsed + input.overlapping;
  // What an earlier run (--state) left to read is judged on as many lines as detection uses.
  if (read == 0) return input.skipped_lines == 0 || input.malformed >= m_options.detect_lines;
  // "Almost nothing": under 1 line in 100, on at least as many malformed lines as detection uses.
  return input.malformed >= m_options.detect_lines && read * 100 < read + input.malformed;
}

} // namespace darkscan
