#pragma once

#include <darkscan/parse/log_format.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace darkscan {

// Assembles a LogFormat's steps while a format string is read (by the nginx and Apache syntaxes
// below); finish() decides how each field is scanned and checks that the format is usable. Used
// only by the format compilers of parse/; the per-line parser (line_parser.cpp) reads the steps.
class FormatBuilder {
public:
  explicit FormatBuilder(LogFormat& format) : m_format(format) {}

  // Text that must follow the last field (or lead the line, before the first one).
  void literal(std::string_view text);
  // The next field; `column` (of the format string) is for messages. Throws Error when the field
  // follows the previous one with no literal between them (the path and its query, "%U%q" or
  // "$uri$is_args$args", are one target; "$host$request_uri" a host that ends at the path's '/').
  void field(LogFormat::Step step, std::size_t column);
  // Compiles the strftime-like pattern of the time field `step`. A pattern that gives what the
  // first one does not ("%{%Y-%m-%d}t" then "%{%H:%M:%S}t") is a part of its time; another one is a
  // second time (one_field_per_kind). Throws Error on a pattern it cannot read.
  void time_pattern(std::string_view pattern, LogFormat::Step& step);
  // Chooses each field's scan and packs the literals. Throws Error when the format has no field,
  // none holding the request, or a field that may hold spaces with no text after it.
  void finish();

private:
  // Throws Error when the format's text holds an odd number of '"'.
  void check_quotes() const;
  // Of the fields of one kind ("%s" and "%>s", "$remote_addr" and "$realip_remote_addr", two times)
  // one is read, the others skipped (LogFormat::Step::rank); the parts of a time are read together.
  // Throws Error when "%{%z}t" precedes every time, or a part of it.
  void one_field_per_kind();
  // Sets the field that ends each time read with a pattern (Step::time_finisher).
  void finish_times();
  static LogFormat::PackedLiteral pack(const std::string& literal);
  static LogFormat::FastPath fast_path(const LogFormat& format);

  LogFormat& m_format;
  std::shared_ptr<util::TimePattern> m_pattern; // the format's first time pattern, still to finish
  int m_pattern_rank = 0;
};

// A step of this kind, labelled as the format string names it ("$http_referer", "%{Referer}i").
inline LogFormat::Step make_step(FieldKind kind, std::string label) {
  LogFormat::Step step;
  step.kind = kind;
  step.label = std::move(label);
  return step;
}

// The nginx log_format syntax (nginx_syntax.cpp): $name or ${name}. looks_like_nginx() is true,
// with `first` set to its column, when `format` holds a variable.
bool looks_like_nginx(std::string_view format, std::size_t& first);
// Reads `format` into `builder`; with `config_escapes`, the backslash escapes of nginx.conf
// (nginx_escape) in its text are read as nginx reads them. Throws Error naming the column of a '$'
// without a name.
void compile_nginx(std::string_view format, FormatBuilder& builder, bool config_escapes);

// The character that "\c" stands for in nginx.conf (ngx_conf_read_token: \" \' \\ \t \r \n), or 0
// when nginx keeps the backslash and `c` as they are.
inline char nginx_escape(char c) {
  switch (c) {
  case '"':
  case '\'':
  case '\\': return c;
  case 't': return '\t';
  case 'r': return '\r';
  case 'n': return '\n';
  default: return 0;
  }
}

// The Apache LogFormat syntax (apache_syntax.cpp): %[modifiers][{arg}]letter, %% and backslash
// escapes. looks_like_apache() is true, with `first` set to its column, when `format` holds a
// directive.
bool looks_like_apache(std::string_view format, std::size_t& first);
// Reads `format` into `builder`. Throws Error naming the column of an unknown or unfinished
// directive.
void compile_apache(std::string_view format, FormatBuilder& builder);

} // namespace darkscan
