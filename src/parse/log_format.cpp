// LogFormat::compile: a format string (or a whole config line) to the compiler of its syntax:
// nginx (nginx_syntax.cpp), Apache (apache_syntax.cpp), W3C #Fields or a JSON key map.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/format_builder.hpp>
#include <darkscan/parse/json_format.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/w3c_format.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace darkscan {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Joins the quoted pieces of a config value: `'a' "b"` -> `ab`, stopping at
// ';'. A backslash before the quote or a backslash is dropped (Apache's config);
// with `nginx`, nginx's escapes are read (nginx_escape: a pasted log_format's
// \" read nothing, a review). Returns false when a quote is left open.
bool join_quoted(std::string_view s, std::string& out, bool first_only, bool nginx) {
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
      if (d == '\\' && i + 1 < s.size() && nginx && nginx_escape(s[i + 1])) {
        out += nginx_escape(s[i + 1]);
        i += 2;
        continue;
      }
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

// Accepts a bare format string or a whole config line, and returns the format; `unescaped` tells
// whether nginx's escapes were read (an nginx config line), `raw_quotes` whether the log writes '"'
// as it came (nginx's escape=none).
std::string strip_config_syntax(std::string_view spec, bool& unescaped, bool& raw_quotes) {
  unescaped = false;
  raw_quotes = false;
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
    raw_quotes = s.substr(0, 11) == "escape=none" &&
                 (s.size() == 11 || std::isspace(static_cast<unsigned char>(s[11])));
    if (s.substr(0, 7) == "escape=") s = trim(s.substr(std::min(s.find_first_of(" \t"), s.size())));
    std::string out;
    if (!join_quoted(s, out, false, true))
      throw Error(translated(N_("--log-format: unbalanced quotes in the 'log_format' line")));
    unescaped = true;
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
    if (!join_quoted(s, out, true, false))
      throw Error(translated(N_("--log-format: unbalanced quotes in the 'LogFormat' line")));
    return out;
  }
  if (!s.empty() && s.front() == '\'') {
    // The quoted pieces of an nginx log_format value: 'a ' 'b';
    std::string out;
    if (!join_quoted(s, out, false, true))
      throw Error(translated(N_("--log-format: unbalanced single quotes")));
    unescaped = true;
    return out;
  }
  return std::string(s);
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

LogFormat LogFormat::w3c(std::string_view fields, std::string name, bool cloudfront) {
  LogFormat format;
  format.m_syntax = Syntax::w3c;
  format.m_w3c = W3cFormat::compile(fields, cloudfront || name == "cloudfront");
  format.m_name = name.empty() ? std::string(format.m_w3c->name()) : std::move(name);
  format.m_spec = format.m_w3c->spec();
  return format;
}

LogFormat LogFormat::w3c_after(std::string_view fields) const {
  return w3c(fields, {}, m_w3c && m_w3c->cloudfront());
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
  bool unescaped = false, raw_quotes = false;
  format.m_spec = strip_config_syntax(spec, unescaped, raw_quotes);
  if (format.m_spec.empty()) {
    throw Error(translated(N_("--log-format is empty: give a preset name (combined, common, vcombined, "
                              "combined-xff) or an Nginx log_format / Apache LogFormat string")));
  }
  FormatBuilder builder(format);
  std::size_t nginx_at = 0, apache_at = 0;
  const bool nginx = looks_like_nginx(format.m_spec, nginx_at);
  const bool apache = looks_like_apache(format.m_spec, apache_at);
  if (nginx && (!apache || nginx_at < apache_at))
    compile_nginx(format.m_spec, builder, !unescaped); // a bare string as nginx.conf holds it too
  else if (apache)
    compile_apache(format.m_spec, builder);
  builder.finish();
  // nginx (but with escape=none) and Apache escape a '"' in these fields: a raw one is a torn line.
  for (Step& step : format.m_steps)
    step.raw_quote_refused = !raw_quotes && step.scan == Scan::quoted &&
                             (step.kind == FieldKind::request || step.kind == FieldKind::referer ||
                              step.kind == FieldKind::user_agent || step.kind == FieldKind::forwarded_for);
  return format;
}

} // namespace darkscan
