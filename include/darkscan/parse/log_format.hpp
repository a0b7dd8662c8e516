#pragma once

#include <darkscan/parse/field_kind.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/util/scratch.hpp>
#include <darkscan/util/time_parse.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

class JsonFormat;
class W3cFormat;

// A log format compiled once into parse steps: a leading literal, then for
// each field its kind and the literal text that follows it. Parsing a line walks
// the steps with memchr-style scans and allocates nothing.
class LogFormat {
public:
  // Compiles an Nginx log_format string ("$remote_addr - ...") or an Apache
  // LogFormat string ("%h %l %u %t \"%r\" ..."); the syntax is recognised from
  // the text. Whole config lines (`log_format main '...' '...';`, `LogFormat
  // "..." combined`) are accepted too. Throws Error(ExitCode::usage) with a
  // message naming the column of the problem: empty, unbalanced braces,
  // unknown Apache directive, two fields with nothing between them, no field
  // holding the request.
  // Also: "#Fields: date time ..." (a W3C extended log, w3c_format.hpp) and "json: key=field ..."
  // (a JSON-lines log, json_format.hpp).
  static LogFormat compile(std::string_view spec, std::string name = "custom");

  // A JSON-lines format with this key map (json_format.hpp). Throws Error.
  static LogFormat json(std::string_view key_map, std::string name);
  // A W3C extended format from a "#Fields:" directive (w3c_format.hpp); named "cloudfront" or
  // "w3c" unless `name` is given. Throws Error.
  static LogFormat w3c(std::string_view fields, std::string name = {}, bool cloudfront = false);
  // A "#Fields:" directive met in the lines read with this format: CloudFront's still if this one
  // is (a log of CloudFront's whose later directive names no field of CloudFront's own).
  LogFormat w3c_after(std::string_view fields) const;

  // How lines of the format are written.
  enum class Syntax : std::uint8_t { text, json, w3c };
  Syntax syntax() const { return m_syntax; }

  // Parses `line` into `hit`. Returns false and fills `error` when the line
  // does not have the format's shape; an invalid request inside a well-formed
  // line is not a failure (hit.request_valid is false). Extra fields after the
  // last one are accepted ("combined" plus $request_time), unless `exact`.
  bool parse(std::string_view line, Hit& hit, ParseError& error, bool exact = false) const {
    std::size_t fields = 0;
    return parse(line, hit, error, exact, fields);
  }

  // As above, and sets `fields` to the number of fields the line held (fewer
  // than field_count() when its optional tail was missing). Values a JSON or W3C line holds
  // escaped or encoded are rewritten into `scratch`, which must hold at least line.size() bytes
  // free; without one, into a buffer of this thread's that the next line parsed reuses.
  bool parse(std::string_view line, Hit& hit, ParseError& error, bool exact, std::size_t& fields,
             util::Scratch* scratch = nullptr) const {
    if (m_syntax != Syntax::text) return parse_structured(line, hit, error, fields, scratch);
    return parse_text(line, hit, error, exact, fields);
  }

  // Name to show users: a preset name or "custom".
  const std::string& name() const { return m_name; }
  // The format in its source syntax, for messages.
  const std::string& spec() const { return m_spec; }
  std::size_t field_count() const;
  // Whether the format has a field of this kind.
  bool has(FieldKind kind) const;

  // Lines may end before the field at `index` (and the literal in front of
  // it): Apache logs that mix common and combined lines. Used by presets.
  void set_optional_from(std::size_t index) { m_optional_from = index; }

  // Whether text after the last field is accepted (the default): logs often
  // append fields to a standard format. Presets whose last field is not quoted
  // turn it off, so that a cut line is not mistaken for a short one.
  void set_trailing_fields(bool allowed) { m_trailing_fields = allowed; }

  // Whether the format is the combined format, whose plain lines take the fast path of
  // combined_fast.hpp (the generic walker for the others). Turned off by the tests and the fuzz
  // target that compare the two.
  bool has_fast_path() const { return m_fast != FastPath::none; }
  void disable_fast_path() { m_fast = FastPath::none; }

  // The compiled representation (public for the compilers of format_builder.hpp).
  enum class Scan : std::uint8_t {
    token,       // no spaces: up to the next literal
    client_list, // like token, but ", " may occur ("10.0.0.2, 10.0.0.1")
    quoted,      // between quotes, honouring backslash escapes
    spaced,      // may hold spaces: up to the next literal ("[...]", time patterns)
    value_list,  // like client_list, but " : " may occur too ($upstream_*: "0.001, 0.002 : 0.003")
    host,        // a host glued to the path that follows ("$host$request_uri"): up to its '/'
    user_name,   // like token, but may hold spaces up to the literal after it, which Apache's %u and
                 // nginx's $remote_user do not escape ("Jane Doe"); not when its first word is "-"
    before_port, // an address before ":" and a port: up to the last ':' ("2001:db8::1:51000")
    rest,        // the rest of the line: an unquoted last field that may hold spaces (a user agent)
    two_words,   // two tokens and the space between them: $time_local out of brackets
  };

  // A literal of at most 8 bytes as a word and a mask, compared with one load where the line has 8
  // bytes left (the byte-by-byte compare was a fifth of the parser's instructions).
  struct PackedLiteral {
    std::uint64_t word = 0, mask = 0;
    bool packed = false; // false: longer than 8 bytes, compared byte by byte
  };

  struct Step {
    FieldKind kind = FieldKind::skip;
    Scan scan = Scan::token;
    TimeKind time_kind = TimeKind::clf;
    std::int64_t duration_scale = 0; // µs per unit: 1000000 for seconds, 1 for µs
    // Among the fields of one kind, the one of the highest rank is read and the others skipped
    // (FormatBuilder::finish): "%>s" (the final status, 1) over "%s", "%t" over "%{end:sec}t" (-1).
    int rank = 0;
    // TimeKind::pattern: the pattern that reads the field, and the one that makes the time of what
    // was read, on the field that ends it: a time may be logged in parts ("%{%F}t ... %{%T}t").
    std::shared_ptr<const util::TimePattern> time_pattern, time_finisher;
    bool time_part = false;          // a later part of a time in parts (FormatBuilder::time_pattern)
    bool port = false;               // a port ($remote_port, %p, %{remote}p): digits only
    bool raw_quote_refused = false;  // a quoted field the server escapes '"' in: a raw one, a torn line
    std::string literal_after;       // text that must follow the field
    std::string label;               // "$http_referer", "%{Referer}i": for messages
    PackedLiteral packed_after{};    // literal_after, packed by FormatBuilder::finish()
  };

private:
  friend class FormatBuilder;
  bool store(const Step& step, std::string_view value, Hit& hit) const;
  bool parse_text(std::string_view line, Hit& hit, ParseError& error, bool exact, std::size_t& fields) const;
  bool parse_structured(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
                        util::Scratch* scratch) const;

  Syntax m_syntax = Syntax::text;
  std::shared_ptr<const JsonFormat> m_json;
  std::shared_ptr<const W3cFormat> m_w3c;

  std::string m_name;
  std::string m_spec;
  std::string m_lead; // literal text before the first field
  PackedLiteral m_packed_lead{};
  std::vector<Step> m_steps;
  std::size_t m_optional_from = static_cast<std::size_t>(-1);
  bool m_trailing_fields = true;
  bool m_has_user_agent = false;
  bool m_has_referer = false;
  enum class FastPath : std::uint8_t { none, combined, combined_ident };
  FastPath m_fast = FastPath::none;
};

} // namespace darkscan
