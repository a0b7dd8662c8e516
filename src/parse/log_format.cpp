// Compiles Nginx log_format and Apache LogFormat strings into parse steps.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/json_format.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/w3c_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace darkscan {

namespace {

bool is_var_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Joins the quoted pieces of a config value: `'a' "b"` -> `ab`, stopping at
// ';'. Inside double quotes `\"` and `\\` are unescaped (Apache config and
// nginx both use them). Returns false when a quote is left open.
bool join_quoted(std::string_view s, std::string& out, bool first_only) {
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == ';') break;
    if (c != '\'' && c != '"') {
      if (first_only) break; // the nickname after an Apache LogFormat string
      return false;
    }
    const char quote = c;
    ++i;
    bool closed = false;
    while (i < s.size()) {
      char d = s[i];
      if (d == '\\' && i + 1 < s.size() && (s[i + 1] == quote || s[i + 1] == '\\')) {
        out += s[i + 1];
        i += 2;
        continue;
      }
      if (d == quote) {
        closed = true;
        ++i;
        break;
      }
      out += d;
      ++i;
    }
    if (!closed) return false;
    if (first_only) break;
  }
  return true;
}

// Accepts a bare format string or a whole config line, and returns the format.
std::string strip_config_syntax(std::string_view spec) {
  std::string_view s = trim(spec);
  auto starts_with_word = [&](std::string_view word) {
    return s.size() > word.size() && s.substr(0, word.size()) == word &&
           std::isspace(static_cast<unsigned char>(s[word.size()]));
  };
  if (starts_with_word("log_format")) {
    // log_format NAME [escape=...] 'piece' 'piece' ...;
    s = trim(s.substr(10));
    std::size_t name_end = s.find_first_of(" \t");
    if (name_end == std::string_view::npos)
      throw Error(translated(N_("--log-format: 'log_format' line has no format string")));
    s = trim(s.substr(name_end));
    if (s.substr(0, 7) == "escape=") s = trim(s.substr(std::min(s.find_first_of(" \t"), s.size())));
    std::string out;
    if (!join_quoted(s, out, false))
      throw Error(translated(N_("--log-format: unbalanced quotes in the 'log_format' line")));
    return out;
  }
  if (starts_with_word("LogFormat") || starts_with_word("CustomLog")) {
    s = trim(s.substr(9));
    if (starts_with_word("CustomLog") || (!s.empty() && s[0] != '"')) {
      // CustomLog PATH "format": skip the path.
      std::size_t q = s.find('"');
      if (q == std::string_view::npos)
        throw Error(translated(N_("--log-format: no quoted format string in the line")));
      s = s.substr(q);
    }
    std::string out;
    if (!join_quoted(s, out, true))
      throw Error(translated(N_("--log-format: unbalanced quotes in the 'LogFormat' line")));
    return out;
  }
  if (!s.empty() && s.front() == '\'') {
    // The quoted pieces of an nginx log_format value: 'a ' 'b';
    std::string out;
    if (!join_quoted(s, out, false)) throw Error(translated(N_("--log-format: unbalanced single quotes")));
    return out;
  }
  return std::string(s);
}

} // namespace

// Assembles steps while a format string is read; finish() decides how each
// field is scanned and checks that the format is usable.
class FormatBuilder {
public:
  explicit FormatBuilder(LogFormat& format) : m_format(format) {}

  void literal(std::string_view text) {
    (m_format.m_steps.empty() ? m_format.m_lead : m_format.m_steps.back().literal_after) += text;
  }

  void field(LogFormat::Step step, std::size_t column) {
    auto& steps = m_format.m_steps;
    if (!steps.empty() && steps.back().literal_after.empty() && steps.back().kind == FieldKind::path &&
        step.kind == FieldKind::query) {
      // Apache's "%U%q": the query starts with '?', so the pair is the target.
      steps.back().kind = FieldKind::target;
      steps.back().label += step.label;
      return;
    }
    if (!steps.empty() && steps.back().literal_after.empty()) {
      throw Error(message(N_("--log-format: '{}' and '{}' (column {}) have nothing between them, so "
                             "darkscan cannot tell where one ends; put a space or quote between them"),
                          m_format.m_steps.back().label, step.label, column + 1));
    }
    m_format.m_steps.push_back(std::move(step));
  }

  void time_pattern(std::string_view pattern) {
    m_format.m_time_pattern = std::make_shared<util::TimePattern>(util::TimePattern::compile(pattern));
  }

  void finish() {
    auto& steps = m_format.m_steps;
    if (steps.empty()) {
      throw Error(message(N_("--log-format: '{}' has no fields: an Nginx format uses $variables "
                             "($remote_addr), an Apache one %directives (%h)"),
                          m_format.m_spec));
    }
    bool has_request = false;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      auto& step = steps[i];
      const std::string& before = i == 0 ? m_format.m_lead : steps[i - 1].literal_after;
      const std::string& after = step.literal_after;
      using Scan = LogFormat::Scan;
      if (!before.empty() && before.back() == '"' && !after.empty() && after.front() == '"') {
        step.scan = Scan::quoted;
      } else if (!before.empty() && before.back() == '[' && !after.empty() && after.front() == ']') {
        step.scan = Scan::spaced;
      } else if (step.kind == FieldKind::client || step.kind == FieldKind::forwarded_for) {
        step.scan = Scan::client_list;
      } else if (step.kind == FieldKind::time && step.time_kind == TimeKind::pattern &&
                 m_format.m_time_pattern->contains_space()) {
        step.scan = Scan::spaced;
      } else {
        step.scan = Scan::token;
      }
      if (step.scan == Scan::spaced && after.empty()) {
        throw Error(message(N_("--log-format: '{}' may hold spaces, so it needs text after it"), step.label));
      }
      has_request |=
          step.kind == FieldKind::request || step.kind == FieldKind::target || step.kind == FieldKind::path;
    }
    for (auto& step : steps)
      step.packed_after = pack(step.literal_after);
    m_format.m_packed_lead = pack(m_format.m_lead);
    m_format.m_has_user_agent = m_format.has(FieldKind::user_agent);
    m_format.m_has_referer = m_format.has(FieldKind::referer);
    if (!has_request) {
      throw Error(message(N_("--log-format: '{}' has no field with the requested page ($request, "
                             "$request_uri, $uri, %r or %U); darkscan needs it"),
                          m_format.m_spec));
    }
  }

private:
  static LogFormat::PackedLiteral pack(const std::string& literal) {
    LogFormat::PackedLiteral out;
    if (literal.size() > 8) return out;
    std::memcpy(&out.word, literal.data(), literal.size());
    const unsigned char ones[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    std::memcpy(&out.mask, ones, literal.size()); // the literal's bytes, in memory order
    out.packed = true;
    return out;
  }

  LogFormat& m_format;
};

namespace {

using Step = LogFormat::Step;

Step make_step(FieldKind kind, std::string label) {
  Step step;
  step.kind = kind;
  step.label = std::move(label);
  return step;
}

// Nginx: $name or ${name}.
void compile_nginx(std::string_view s, FormatBuilder& builder) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '$') {
      std::size_t next = s.find('$', i);
      if (next == std::string_view::npos) next = s.size();
      builder.literal(s.substr(i, next - i));
      i = next;
      continue;
    }
    const std::size_t column = i;
    std::string_view name;
    if (i + 1 < s.size() && s[i + 1] == '{') {
      std::size_t close = s.find('}', i + 2);
      if (close == std::string_view::npos) {
        throw Error(message(N_("--log-format: '${{' at column {} is never closed"), column + 1));
      }
      name = s.substr(i + 2, close - i - 2);
      i = close + 1;
    } else {
      std::size_t end = i + 1;
      while (end < s.size() && is_var_char(s[end]))
        ++end;
      name = s.substr(i + 1, end - i - 1);
      i = end;
    }
    if (name.empty()) {
      throw Error(message(N_("--log-format: '$' at column {} is not followed by a variable name (write "
                             "$name or ${{name}})"),
                          column + 1));
    }
    const std::string label = "$" + std::string(name);
    Step step = make_step(FieldKind::skip, label);
    if (name == "remote_addr" || name == "realip_remote_addr" || name == "binary_remote_addr") {
      step.kind = FieldKind::client;
    } else if (name == "remote_user") {
      step.kind = FieldKind::user;
    } else if (name == "time_local") {
      step.kind = FieldKind::time;
      step.time_kind = TimeKind::clf;
    } else if (name == "time_iso8601") {
      step.kind = FieldKind::time;
      step.time_kind = TimeKind::iso8601;
    } else if (name == "msec") {
      step.kind = FieldKind::time;
      step.time_kind = TimeKind::epoch_seconds;
    } else if (name == "request") {
      step.kind = FieldKind::request;
    } else if (name == "request_method") {
      step.kind = FieldKind::method;
    } else if (name == "request_uri") {
      step.kind = FieldKind::target;
    } else if (name == "uri" || name == "document_uri") {
      step.kind = FieldKind::path;
    } else if (name == "args" || name == "query_string") {
      step.kind = FieldKind::query;
    } else if (name == "server_protocol") {
      step.kind = FieldKind::protocol;
    } else if (name == "status") {
      step.kind = FieldKind::status;
    } else if (name == "body_bytes_sent" || name == "bytes_sent") {
      step.kind = FieldKind::bytes;
    } else if (name == "http_referer") {
      step.kind = FieldKind::referer;
    } else if (name == "http_user_agent") {
      step.kind = FieldKind::user_agent;
    } else if (name == "host" || name == "server_name" || name == "http_host") {
      step.kind = FieldKind::host;
    } else if (name == "http_x_forwarded_for" || name == "proxy_add_x_forwarded_for") {
      step.kind = FieldKind::forwarded_for;
    } else if (name == "http_x_requested_with") {
      step.kind = FieldKind::requested_with;
    } else if (name == "request_time") {
      step.kind = FieldKind::duration;
      step.duration_scale = 1000000;
    }
    builder.field(std::move(step), column);
  }
}

// Apache: %[modifiers][{arg}]letter, with %% and the config's backslash escapes.
void compile_apache(std::string_view s, FormatBuilder& builder) {
  std::size_t i = 0;
  std::string text;
  auto flush = [&] {
    if (!text.empty()) builder.literal(text);
    text.clear();
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      char e = s[i + 1];
      text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      i += 2;
      continue;
    }
    if (c != '%') {
      text += c;
      ++i;
      continue;
    }
    const std::size_t column = i;
    ++i;
    if (i < s.size() && s[i] == '%') {
      text += '%';
      ++i;
      continue;
    }
    // Status-conditional and redirect modifiers: %400,501{...}i  %!200s  %>s  %<s
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == ',' || s[i] == '!' ||
                            s[i] == '<' || s[i] == '>'))
      ++i;
    std::string_view arg;
    if (i < s.size() && s[i] == '{') {
      std::size_t close = s.find('}', i + 1);
      if (close == std::string_view::npos) {
        throw Error(message(N_("--log-format: '%{{' at column {} is never closed"), column + 1));
      }
      arg = s.substr(i + 1, close - i - 1);
      i = close + 1;
    }
    if (i >= s.size()) {
      // xgettext:no-c-format
      throw Error(message(N_("--log-format: '%' at column {} ends the format"), column + 1));
    }
    char letter = s[i];
    if (letter == '^' && i + 2 < s.size()) { // %{Header}^ti / ^to
      i += 3;
      flush();
      builder.field(make_step(FieldKind::skip, std::string(s.substr(column, i - column))), column);
      continue;
    }
    ++i;
    const std::string label(s.substr(column, i - column));
    Step step = make_step(FieldKind::skip, label);
    switch (letter) {
    case 'h':
    case 'a': step.kind = FieldKind::client; break;
    case 'u': step.kind = FieldKind::user; break;
    case 'r': step.kind = FieldKind::request; break;
    case 'm': step.kind = FieldKind::method; break;
    case 'U': step.kind = FieldKind::path; break;
    case 'q': step.kind = FieldKind::query; break;
    case 'H': step.kind = FieldKind::protocol; break;
    case 's': step.kind = FieldKind::status; break;
    case 'b':
    case 'B':
    case 'O': step.kind = FieldKind::bytes; break;
    case 'v':
    case 'V': step.kind = FieldKind::host; break;
    case 'D':
      step.kind = FieldKind::duration;
      step.duration_scale = 1;
      break;
    case 'T':
      step.kind = FieldKind::duration;
      step.duration_scale = arg == "ms" ? 1000 : arg == "us" ? 1 : 1000000;
      break;
    case 'i': {
      std::string header = lowercase(arg);
      if (header == "referer")
        step.kind = FieldKind::referer;
      else if (header == "user-agent") // not for translation: header names
        step.kind = FieldKind::user_agent;
      else if (header == "x-forwarded-for") // not for translation: header names
        step.kind = FieldKind::forwarded_for;
      else if (header == "host")
        step.kind = FieldKind::host;
      else if (header == "x-requested-with") // not for translation: header names
        step.kind = FieldKind::requested_with;
      break;
    }
    case 't': {
      step.kind = FieldKind::time;
      std::string_view fmt_arg = arg;
      if (fmt_arg.substr(0, 6) == "begin:")
        fmt_arg.remove_prefix(6);
      else if (fmt_arg.substr(0, 4) == "end:")
        fmt_arg.remove_prefix(4);
      if (arg.empty()) {
        // %t is "[10/Oct/2000:13:55:36 -0700]", brackets included.
        text += '[';
        flush();
        step.time_kind = TimeKind::clf;
        builder.field(std::move(step), column);
        text += ']';
        continue;
      }
      if (fmt_arg == "sec")
        step.time_kind = TimeKind::epoch_seconds;
      else if (fmt_arg == "msec")
        step.time_kind = TimeKind::epoch_millis;
      else if (fmt_arg == "usec")
        step.time_kind = TimeKind::epoch_micros;
      else if (fmt_arg == "msec_frac" || fmt_arg == "usec_frac")
        step.kind = FieldKind::skip;
      else {
        step.time_kind = TimeKind::pattern;
        builder.time_pattern(fmt_arg);
      }
      break;
    }
    case 'A':
    case 'C':
    case 'e':
    case 'f':
    case 'k':
    case 'l':
    case 'L':
    case 'n':
    case 'o':
    case 'p':
    case 'P':
    case 'R':
    case 'S':
    case 'X':
    case 'I':
    case 'M': break;
    default:
      throw Error(message(N_("--log-format: unknown Apache directive '{}' at column {}"), label, column + 1));
    }
    flush();
    builder.field(std::move(step), column);
  }
  flush();
}

bool looks_like_nginx(std::string_view s, std::size_t& first) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '$' && (is_var_char(s[i + 1]) || s[i + 1] == '{')) {
      first = i;
      return true;
    }
  }
  return false;
}

bool looks_like_apache(std::string_view s, std::size_t& first) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '%' && s[i + 1] != '%' && s[i + 1] != ' ') {
      first = i;
      return true;
    }
    if (s[i] == '%') ++i;
  }
  return false;
}

} // namespace

bool LogFormat::has(FieldKind kind) const {
  if (m_json) return m_json->has(kind);
  if (m_w3c) return m_w3c->has(kind);
  for (const Step& step : m_steps)
    if (step.kind == kind) return true;
  return false;
}

std::size_t LogFormat::field_count() const {
  if (m_json) return m_json->field_count();
  if (m_w3c) return m_w3c->field_count();
  return m_steps.size();
}

LogFormat LogFormat::json(std::string_view key_map, std::string name) {
  LogFormat format;
  format.m_syntax = Syntax::json;
  format.m_name = std::move(name);
  format.m_json = JsonFormat::compile(key_map);
  format.m_spec = "json: " + format.m_json->key_map();
  return format;
}

LogFormat LogFormat::w3c(std::string_view fields, std::string name) {
  LogFormat format;
  format.m_syntax = Syntax::w3c;
  format.m_w3c = W3cFormat::compile(fields);
  format.m_name = name.empty() ? std::string(format.m_w3c->name()) : std::move(name);
  format.m_spec = format.m_w3c->spec();
  return format;
}

bool LogFormat::parse_structured(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
                                 util::Scratch* scratch) const {
  // Without a room of the caller's, this thread's: valid until the next line it parses.
  thread_local std::vector<char> own_bytes;
  util::Scratch own;
  if (!scratch) {
    if (own_bytes.size() < line.size()) own_bytes.resize(line.size());
    own = util::Scratch(own_bytes.data(), own_bytes.size());
    scratch = &own;
  }
  if (m_json) return m_json->parse(line, hit, error, fields, *scratch);
  return m_w3c->parse(line, hit, error, fields, *scratch);
}

LogFormat LogFormat::compile(std::string_view spec, std::string name) {
  {
    const std::string_view s = trim(spec);
    if (W3cFormat::is_fields_directive(s)) return w3c(s, name == "custom" ? std::string() : name);
    if (s.substr(0, 5) == "json:") return json(s.substr(5), std::move(name));
  }
  LogFormat format;
  format.m_name = std::move(name);
  format.m_spec = strip_config_syntax(spec);
  if (format.m_spec.empty()) {
    throw Error(translated(N_("--log-format is empty: give a preset name (combined, common, vcombined, "
                              "combined-xff) or an Nginx log_format / Apache LogFormat string")));
  }
  FormatBuilder builder(format);
  std::size_t nginx_at = 0, apache_at = 0;
  const bool nginx = looks_like_nginx(format.m_spec, nginx_at);
  const bool apache = looks_like_apache(format.m_spec, apache_at);
  if (nginx && (!apache || nginx_at < apache_at))
    compile_nginx(format.m_spec, builder);
  else if (apache)
    compile_apache(format.m_spec, builder);
  builder.finish();
  return format;
}

} // namespace darkscan
