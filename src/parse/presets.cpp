#include <darkscan/common/error.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/parse/w3c_format.hpp>
#include <darkscan/util/text.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace darkscan {

namespace {

// The presets' names, ", " between them, for messages.
std::string preset_names() {
  std::string names;
  for (const Preset& preset : presets())
    names += (names.empty() ? "" : ", ") + std::string(preset.name);
  return names;
}

bool has_name(const Preset& preset, std::string_view name) {
  if (util::iequals(preset.name, name)) return true;
  std::string_view aliases = preset.aliases;
  while (!aliases.empty()) {
    std::size_t sp = aliases.find(' ');
    if (util::iequals(aliases.substr(0, sp), name)) return true;
    if (sp == std::string_view::npos) break;
    aliases.remove_prefix(sp + 1);
  }
  return false;
}

LogFormat compile_preset(const Preset& preset) {
  if (preset.syntax == LogFormat::Syntax::json) return LogFormat::json(preset.spec, std::string(preset.name));
  if (preset.syntax == LogFormat::Syntax::w3c) return LogFormat::w3c(preset.spec, std::string(preset.name));
  LogFormat format = LogFormat::compile(preset.spec, std::string(preset.name));
  if (preset.optional_from > 0) format.set_optional_from(preset.optional_from);
  format.set_trailing_fields(preset.spec.back() == '"');
  return format;
}

} // namespace

// Key maps of JSON logs, each from its server's documentation:
// - Caddy: caddyserver.com/docs/logging ("handled request": ts as float seconds, request.client_ip
//   (v2.7) / remote_ip (v2.5) / remote_addr "ip:port" (before), headers as arrays of strings).
// - Traefik: doc.traefik.io/traefik/observability/access-logs (JSON fields; request headers as
//   request_<Name> only when accessLog.fields.headers keeps them: dropped by default).
// - Cloudflare Logpush, http_requests dataset: developers.cloudflare.com/logs/reference/log-fields
//   (EdgeStartTimestamp in unix nanoseconds by default, or RFC 3339, or unix seconds).
// - nginx `log_format ... escape=json '{...}'`: keys are the site's choice; these are the
//   variable names (nginx.org/en/docs/varindex.html) and the names seen in published configs.
constexpr std::string_view k_caddy_map =
    "ts=time request.client_ip=client request.remote_ip=client "                // not for translation
    "request.remote_addr=client:port user_id=user request.method=method "       // not for translation
    "request.uri=target request.proto=protocol request.host=host "              // not for translation
    "request.headers=headers request.headers.Referer=referer "                  // not for translation
    "request.headers.User-Agent=user_agent "                                    // not for translation
    "request.headers.X-Forwarded-For=forwarded_for "                            // not for translation
    "request.headers.X-Requested-With=requested_with status=status size=bytes " // not for translation
    "duration=duration:s";                                                      // not for translation
constexpr std::string_view k_traefik_map =
    "StartUTC=time StartLocal=time time=time ClientHost=client "            // not for translation
    "ClientAddr=client:port ClientUsername=user RequestMethod=method "      // not for translation
    "RequestPath=target RequestProtocol=protocol RequestHost=host "         // not for translation
    "RequestAddr=host DownstreamStatus=status DownstreamContentSize=bytes " // not for translation
    "Duration=duration:ns request_*=headers request_Referer=referer "       // not for translation
    "request_User-Agent=user_agent request_X-Forwarded-For=forwarded_for "  // not for translation
    "request_X-Requested-With=requested_with";                              // not for translation
constexpr std::string_view k_cloudflare_map =
    "EdgeStartTimestamp=time EdgeEndTimestamp=time ClientIP=client "             // not for translation
    "ClientRequestMethod=method ClientRequestURI=target ClientRequestPath=path " // not for translation
    "ClientRequestProtocol=protocol ClientRequestHost=host "                     // not for translation
    "EdgeResponseStatus=status OriginResponseStatus=status "                     // not for translation
    "EdgeResponseBytes=bytes ClientRequestReferer=referer "                      // not for translation
    "ClientRequestUserAgent=user_agent ClientXRequestedWith=requested_with";     // not for translation
constexpr std::string_view k_nginx_json_map =
    "time_iso8601=time time_local=time @timestamp=time timestamp=time "          // not for translation
    "time=time msec=time remote_addr=client client_ip=client "                   // not for translation
    "realip_remote_addr=client remote_user=user request=request "                // not for translation
    "request_method=method method=method request_uri=target request_url=target " // not for translation
    "uri=path path=path args=query query_string=query server_protocol=protocol " // not for translation
    "protocol=protocol http_version=protocol status=status "                     // not for translation
    "body_bytes_sent=bytes bytes_sent=bytes http_referer=referer "               // not for translation
    "http_referrer=referer referer=referer referrer=referer "                    // not for translation
    "http_user_agent=user_agent user_agent=user_agent agent=user_agent "         // not for translation
    "host=host http_host=host server_name=host "                                 // not for translation
    "http_x_forwarded_for=forwarded_for x_forwarded_for=forwarded_for "          // not for translation
    "http_x_requested_with=requested_with request_time=duration:s";              // not for translation
// W3C defaults, used until a file's own "#Fields" directive: CloudFront's standard log (its 33
// fields, "Standard logging reference") and IIS's default W3C fields (IIS 8.5 and later).
constexpr std::string_view k_cloudfront_fields =
    "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) "       // not for translation
    "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) "  // not for translation
    "x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes "   // not for translation
    "time-taken x-forwarded-for ssl-protocol ssl-cipher "                        // not for translation
    "x-edge-response-result-type cs-protocol-version fle-status "                // not for translation
    "fle-encrypted-fields c-port time-to-first-byte "                            // not for translation
    "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start " // not for translation
    "sc-range-end";                                                              // not for translation
constexpr std::string_view k_iis_fields =
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "  // not for translation
    "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus " // not for translation
    "sc-win32-status time-taken";                                         // not for translation

const std::vector<Preset>& presets() {
  using S = LogFormat::Syntax;
  // Names, aliases and specs are what users type: only the descriptions are for translation.
  static const std::vector<Preset> list = {
      {"caddy", "caddy-json", k_caddy_map, 0, // not for translation
       N_("Caddy's JSON access log (the default of its 'log' directive)"), S::json},
      {"traefik-json", "traefik", k_traefik_map, 0, // not for translation
       N_("Traefik's JSON access log (accessLog.format=json; keep the User-Agent and Referer headers)"),
       S::json},
      {"cloudflare", "cloudflare-logpush logpush", k_cloudflare_map, 0, // not for translation
       N_("Cloudflare Logpush, HTTP requests dataset, JSON lines"), S::json},
      {"nginx-json", "json", k_nginx_json_map, 0, // not for translation
       N_("nginx log_format ... escape=json (keys named as nginx's variables), and other JSON lines"),
       S::json},
      {"cloudfront", "aws-cloudfront", k_cloudfront_fields, 0, // not for translation
       N_("Amazon CloudFront standard log (W3C, tab-separated); a file's own #Fields wins"), S::w3c},
      {"w3c", "iis", k_iis_fields, 0, N_("W3C extended log (IIS); a file's own #Fields wins"), S::w3c},
      {"vcombined", "vhost_combined vhost-combined",                      // not for translation
       R"(%v %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i")", 8, // not for translation
       N_("Apache vhost_combined (Debian default for virtual hosts): combined with a \"host:port \" or "
          "\"host \" prefix")},
      {"combined-xff", "nginx-main-xff main-xff xff", // not for translation (and the format below)
       R"(%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i")", 0,
       N_("combined plus a trailing \"$http_x_forwarded_for\" (nginx's commented-out 'main' format)")},
      {"combined", "nginx apache ncsa",                                // not for translation
       R"(%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i")", 7, // not for translation
       N_("Nginx default and Apache combined (lines without referer and user agent are accepted)")},
      {"common", "clf", R"(%h %l %u %t "%r" %>s %b)", 0, N_("Common Log Format (CLF)")},
  };
  return list;
}

bool find_preset(std::string_view name, LogFormat& out) {
  for (const Preset& preset : presets()) {
    if (has_name(preset, name)) {
      out = compile_preset(preset);
      return true;
    }
  }
  return false;
}

LogFormat resolve_format(std::string_view value) {
  LogFormat format;
  if (find_preset(value, format)) return format;
  const bool looks_like_name = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  if (looks_like_name) {
    throw Error(message(N_("--log-format: unknown preset '{}' (presets: {}; or give an Nginx log_format "
                           "or Apache LogFormat string)"),
                        value, preset_names()));
  }
  return LogFormat::compile(value);
}

namespace {

// The presets compiled in detection order. A W3C log names its fields in a "#Fields" directive: the
// sample's first one replaces the W3C presets' defaults. `combined`: the index of "combined".
std::vector<LogFormat> compile_candidates(const std::vector<std::string>& sample, std::size_t& combined) {
  std::string_view fields_directive;
  for (const auto& line : sample)
    if (W3cFormat::is_fields_directive(line)) {
      fields_directive = line;
      break;
    }
  std::vector<LogFormat> compiled;
  for (const Preset& preset : presets()) {
    if (preset.name == "combined") combined = compiled.size();
    if (preset.syntax == LogFormat::Syntax::w3c && !fields_directive.empty()) {
      try {
        compiled.push_back(LogFormat::w3c(fields_directive));
        continue;
      } catch (const Error&) {
        // A directive without a request field: the preset's default, and the lines will say.
      }
    }
    compiled.push_back(compile_preset(preset));
  }
  return compiled;
}

// The index of the format that reads `sample` best; `best_lines`: the lines it parsed, of which
// `best_requests` requests. Score: lines
// parsed, then fields found in them (combined beats common on a mixed file), then fewer fields in
// the format (common beats combined on a file with no referer and user agent at all). A line of the
// format that is not a request (a W3C directive, a JSON record of another kind) counts as parsed,
// with no field, but only for a format that read at least one request (if any did): every JSON preset but one
// takes an nginx JSON log's records for records of another kind, and one bad value in the sample
// must not hand the file to a preset that reads none of it. With no line to go by: `combined`, the
// most common format.
std::size_t best_candidate(const std::vector<LogFormat>& compiled, const std::vector<std::string>& sample,
                           std::size_t non_empty, std::size_t combined, std::size_t& best_lines,
                           std::size_t& best_requests) {
  struct Score {
    std::size_t lines = 0, fields = 0, requests = 0;
  };
  std::vector<Score> scores(compiled.size());
  Hit hit;
  ParseError error;
  for (const auto& line : sample) {
    if (line.empty()) continue;
    for (std::size_t i = 0; i < compiled.size(); ++i) {
      std::size_t fields = 0;
      error = {};
      if (compiled[i].parse(line, hit, error, false, fields)) {
        ++scores[i].lines;
        ++scores[i].requests;
        scores[i].fields += fields;
      } else if (error.not_a_record) {
        ++scores[i].lines;
      }
    }
  }
  const bool any_request =
      std::any_of(scores.begin(), scores.end(), [](const Score& s) { return s.requests > 0; });
  for (Score& score : scores)
    if (any_request && score.requests == 0) score.lines = 0;
  auto better = [&](std::size_t a, std::size_t b) {
    if (scores[a].lines != scores[b].lines) return scores[a].lines > scores[b].lines;
    if (scores[a].fields != scores[b].fields) return scores[a].fields > scores[b].fields;
    return compiled[a].field_count() < compiled[b].field_count();
  };
  std::size_t best_index = non_empty == 0 ? combined : 0;
  for (std::size_t i = 0; i < compiled.size(); ++i)
    if (non_empty > 0 && better(i, best_index)) best_index = i;
  best_lines = scores[best_index].lines;
  best_requests = scores[best_index].requests;
  return best_index;
}

// The lines of `sample` the scanner will parse: by compiled[best], or exactly by another.
std::size_t covered_lines(const std::vector<LogFormat>& compiled, const std::vector<std::string>& sample,
                          std::size_t best) {
  Hit hit;
  ParseError error;
  std::size_t covered = 0;
  for (const auto& line : sample) {
    if (line.empty()) continue;
    error = {};
    bool ok = compiled[best].parse(line, hit, error) || error.not_a_record;
    for (std::size_t i = 0; i < compiled.size() && !ok; ++i)
      ok = compiled[i].parse(line, hit, error, true);
    covered += ok;
  }
  return covered;
}

// Throws the Error that says why no preset reads `sample` of `source_name`, showing the first line
// that `shown` does not parse.
[[noreturn]] void throw_unrecognised(const LogFormat& shown, const std::vector<std::string>& sample,
                                     const std::string& source_name, std::size_t covered,
                                     std::size_t non_empty) {
  Hit hit;
  ParseError error;
  std::size_t line_no = 0;
  Message detail;
  for (const auto& line : sample) {
    ++line_no;
    if (line.empty() || shown.parse(line, hit, error)) continue;
    detail = message(N_("line {} is not {} ({} at column {}):\n  {}"), line_no, shown.name(),
                     *error.reason ? translated(error.reason) : Message(), error.column + 1,
                     util::shorten(util::escape_for_terminal(line), 200));
    break;
  }
  throw Error(
      message(N_("cannot recognise the log format of '{}': {} of its first {} lines match a preset "
                 "({}); {}\n  give the format with --log-format, e.g. --log-format "
                 "'$remote_addr - $remote_user [$time_local] \"$request\" ...' (your nginx log_format) "
                 "or --log-format '%h %l %u %t \"%r\" ...' (your Apache LogFormat)"),
              source_name, covered, non_empty, preset_names(), detail),
      ExitCode::input_failed);
}

} // namespace

bool sample_has_request(const std::vector<std::string>& sample, std::size_t from) {
  std::size_t combined = 0;
  const std::vector<LogFormat> compiled = compile_candidates(sample, combined);
  Hit hit;
  ParseError error;
  for (std::size_t i = from; i < sample.size(); ++i) {
    if (sample[i].empty()) continue;
    for (const LogFormat& format : compiled) {
      error = {};
      if (format.parse(sample[i], hit, error)) return true;
    }
  }
  return false;
}

// Requests read by the best preset in the sample from which it is taken whatever the other lines
// are: a format that reads 5 lines of a log whole (presets read every field, in order) is its
// format; the chance that 5 lines of another format fit one by accident is nil.
constexpr std::size_t k_enough_requests = 5;

std::vector<LogFormat> detect_formats(const std::vector<std::string>& sample,
                                      const std::string& source_name) {
  if (const char* archive = archive_problem(sample))
    throw Error(message(archive, source_name), ExitCode::input_failed);
  std::size_t combined = 0;
  std::vector<LogFormat> compiled = compile_candidates(sample, combined);
  std::size_t non_empty = 0;
  for (const auto& line : sample)
    non_empty += !line.empty();
  std::size_t best_count = 0, best_requests = 0;
  const std::size_t best_index =
      best_candidate(compiled, sample, non_empty, combined, best_count, best_requests);
  const std::size_t covered = covered_lines(compiled, sample, best_index);
  // Most of the sample, or enough requests that the rest is noise in an access log (error-log lines
  // or a tool's output mixed in: a review, 2026-12-07, saw 30 such lines in the first 50 drop a file
  // of 4,970 requests). The lines no format reads are then counted malformed, with their numbers.
  // Not a binary file's: a line of it may look like a W3C directive.
  if (non_empty == 0 || covered * 2 > non_empty ||
      (best_requests >= k_enough_requests && !looks_binary(sample))) {
    std::rotate(compiled.begin(), compiled.begin() + static_cast<std::ptrdiff_t>(best_index),
                compiled.begin() + static_cast<std::ptrdiff_t>(best_index) + 1);
    return compiled;
  }

  if (const char* what = not_an_access_log(sample))
    throw Error(message(what, source_name), ExitCode::input_failed);

  // Explain with the best preset, or with the most common one (combined).
  throw_unrecognised(compiled[best_count > 0 ? best_index : combined], sample, source_name, covered,
                     non_empty);
}

} // namespace darkscan
