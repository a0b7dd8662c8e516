// The Apache LogFormat syntax: %[modifiers][{arg}]letter, %% and the config's backslash escapes,
// each directive darkscan reads mapped to its field.
#include <darkscan/common/error.hpp>
#include <darkscan/parse/format_builder.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace darkscan {

namespace {

using Step = LogFormat::Step;

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// %{Header}i: the field of the request headers darkscan reads; the others stay skip.
void set_header_kind(std::string_view arg, Step& step) {
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
}

// %{format}t with a format: epoch counts, fractions (skipped) or a strftime-like pattern, which
// `builder` compiles.
void set_time_kind(std::string_view arg, Step& step, FormatBuilder& builder) {
  step.kind = FieldKind::time;
  std::string_view fmt_arg = arg;
  if (fmt_arg.substr(0, 6) == "begin:") {
    fmt_arg.remove_prefix(6);
  } else if (fmt_arg.substr(0, 4) == "end:") {
    fmt_arg.remove_prefix(4);
    step.rank = -1; // the time the response ended: "%t" (its start) wins when both are logged
  }
  if (fmt_arg == "sec")
    step.time_kind = TimeKind::epoch_seconds;
  else if (fmt_arg == "msec")
    step.time_kind = TimeKind::epoch_millis;
  else if (fmt_arg == "usec")
    step.time_kind = TimeKind::epoch_micros;
  else if (fmt_arg == "msec_frac" || fmt_arg == "usec_frac")
    step.kind = FieldKind::skip;
  else if (fmt_arg == "%z")
    step.time_kind = TimeKind::zone;
  else {
    step.time_kind = TimeKind::pattern;
    builder.time_pattern(fmt_arg, step);
  }
}

// The field of the directive `letter` (not 't'), with its {arg}. False for a letter Apache does
// not have.
bool set_letter_kind(char letter, std::string_view arg, Step& step) {
  switch (letter) {
  case 'h': step.kind = FieldKind::client; break;
  case 'a': // "%{c}a" is the peer's address (the proxy's, behind mod_remoteip), not the client's
    if (arg != "c") step.kind = FieldKind::client;
    break;
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
  case 'i': set_header_kind(arg, step); break;
  case 'A':
  case 'C':
  case 'e':
  case 'f':
  case 'k':
  case 'l':
  case 'L':
  case 'p': step.port = true; break;
  case 'n':
  case 'o':
  case 'P':
  case 'R':
  case 'S':
  case 'X':
  case 'x': // mod_ssl's %{SSL_PROTOCOL}x
  case 'I':
  case 'M': break;
  default: return false;
  }
  return true;
}

// Reads an Apache format into a FormatBuilder: the text between directives gathered (escapes and
// %% resolved) and given as one literal before each field.
class ApacheReader {
public:
  ApacheReader(std::string_view format, FormatBuilder& builder) : m_s(format), m_builder(builder) {}

  void read() {
    std::size_t i = 0;
    while (i < m_s.size()) {
      char c = m_s[i];
      if (c == '\\' && i + 1 < m_s.size()) {
        char e = m_s[i + 1];
        m_text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        i += 2;
        continue;
      }
      if (c != '%') {
        m_text += c;
        ++i;
        continue;
      }
      if (i + 1 < m_s.size() && m_s[i + 1] == '%') {
        m_text += '%';
        i += 2;
        continue;
      }
      i = directive(i);
    }
    flush();
  }

private:
  void flush() {
    if (!m_text.empty()) m_builder.literal(m_text);
    m_text.clear();
  }

  void field(Step step, std::size_t column) {
    flush();
    m_builder.field(std::move(step), column);
  }

  // Reads the directive whose '%' is at `column` into a field; returns the index after it.
  std::size_t directive(std::size_t column) {
    std::size_t i = column + 1;
    // Status-conditional and redirect modifiers: %400,501{...}i  %!200s  %>s  %<s
    bool final = false, conditional = false;
    std::string plain = "%"; // the directive without its status condition
    while (i < m_s.size() && (std::isdigit(static_cast<unsigned char>(m_s[i])) || m_s[i] == ',' ||
                              m_s[i] == '!' || m_s[i] == '<' || m_s[i] == '>')) {
      final |= m_s[i] == '>';
      if (m_s[i] == '<' || m_s[i] == '>')
        plain += m_s[i];
      else
        conditional = true;
      ++i;
    }
    std::string_view arg;
    if (i < m_s.size() && m_s[i] == '{') {
      std::size_t close = m_s.find('}', i + 1);
      if (close == std::string_view::npos) {
        throw Error(message(N_("--log-format: '%{{' at column {} is never closed"), column + 1));
      }
      arg = m_s.substr(i + 1, close - i - 1);
      i = close + 1;
    }
    if (i >= m_s.size()) {
      // xgettext:no-c-format
      throw Error(message(N_("--log-format: '%' at column {} ends the format"), column + 1));
    }
    const char letter = m_s[i];
    if (letter == '^' && i + 2 < m_s.size()) { // %{Header}^ti / ^to
      i += 3;
      field(make_step(FieldKind::skip, std::string(m_s.substr(column, i - column))), column);
      return i;
    }
    ++i;
    const std::string label(m_s.substr(column, i - column));
    Step step = make_step(FieldKind::skip, label);
    if (letter == 't' && arg.empty()) {
      // %t is "[10/Oct/2000:13:55:36 -0700]", brackets included.
      step.kind = FieldKind::time;
      step.time_kind = TimeKind::clf;
      m_text += '[';
      field(std::move(step), column);
      m_text += ']';
      return i;
    }
    if (letter == 't') {
      set_time_kind(arg, step, m_builder);
    } else if (!set_letter_kind(letter, arg, step)) {
      throw Error(message(N_("--log-format: unknown Apache directive '{}' at column {}"), label, column + 1));
    }
    if (final) step.rank = 1; // "%>s": the final status, over "%s" and "%<s" (the original request's)
    if (conditional && step.kind != FieldKind::skip) {
      // "%!200{Referer}i" logs "-" for the other statuses, which read as "no referrer": a page view
      // became a dark-social arrival, or a bot (a review, 2026-12-07).
      plain += label.substr(label.find_first_not_of("%0123456789,!<>"));
      throw Error(message(N_("--log-format: '{}' at column {} logs its value only for some statuses, "
                             "and '-' for the others, which darkscan would take for \"none\" (no "
                             "referrer, no user agent); log '{}' instead"),
                          label, column + 1, plain));
    }
    field(std::move(step), column);
    return i;
  }

  std::string_view m_s;
  FormatBuilder& m_builder;
  std::string m_text; // literal text since the last field
};

} // namespace

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

void compile_apache(std::string_view s, FormatBuilder& builder) { ApacheReader(s, builder).read(); }

} // namespace darkscan
