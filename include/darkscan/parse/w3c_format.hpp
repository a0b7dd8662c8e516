#pragma once

#include <darkscan/parse/field_kind.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/util/scratch.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// The W3C extended log file format (https://www.w3.org/TR/WD-logfile.html) as IIS and Amazon
// CloudFront write it: directives ("#Version: 1.0", "#Fields: date time c-ip ...") and lines of
// fields separated by spaces (IIS) or tabs (CloudFront), "-" for none. The "#Fields" directive
// names the fields; a file may give a new one anywhere (IIS does after a restart or a change of
// settings), and the scanner then reads the lines after it with a format compiled from it.
//
// Values as each server writes them:
// - CloudFront (a field named x-edge-...): cs(User-Agent) and cs(Referer) are URL-encoded
//   ("Mozilla/5.0%20(Linux...)"): decoded once; time-taken is in seconds.
// - IIS: spaces in cs(User-Agent) are written '+' ("Mozilla/5.0+(Windows+NT+10.0...)"): '+' is read
//   as a space there; time-taken is in milliseconds.
// - date and time are UTC.
class W3cFormat {
public:
  // From a "#Fields:" directive or its list of fields. Fields darkscan does not use are skipped.
  // Throws Error(ExitCode::usage) when the list is empty or holds no request field (cs-uri-stem,
  // cs-uri). CloudFront's (percent-encoded agents and referrers, cs(Host) the distribution's name)
  // when `cloudfront`, or when a field is CloudFront's own (x-edge-*, x-host-header, c-port...).
  static std::shared_ptr<const W3cFormat> compile(std::string_view fields, bool cloudfront = false);

  // Whether `line` is a "#Fields:" directive.
  static bool is_fields_directive(std::string_view line);

  // Parses one line into `hit` (blanked first); decoded values go into `scratch`. A directive
  // ("#...") is not a record (error.not_a_record). False with `error` set when the line does not
  // have as many fields as "#Fields" names, or a field does not hold what its name says.
  bool parse(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
             util::Scratch& scratch) const;

  bool has(FieldKind kind) const;
  std::size_t field_count() const { return m_fields.size(); }
  // "cloudfront" (CloudFront's own fields, or compiled as CloudFront's) or "w3c".
  const char* name() const { return m_cloudfront ? "cloudfront" : "w3c"; }
  bool cloudfront() const { return m_cloudfront; }
  // "#Fields: ..." as compiled.
  const std::string& spec() const { return m_spec; }

  enum class Special : std::uint8_t { none, date, time };
  // percent: %XX (CloudFront's agents and referrers; a '%' encoded again as %25 is decoded twice);
  // plus: '+' for a space (IIS's agents; %XX when there is no '+'); reencoded: only %25 -> '%'
  // (CloudFront's paths, which keep their own escapes).
  enum class Decode : std::uint8_t { none, percent, plus, reencoded };
  struct Field {
    FieldKind kind = FieldKind::skip;
    Special special = Special::none;
    Decode decode = Decode::none;
    std::uint8_t rank = 0; // among fields of the same kind: lower wins (x-host-header before cs(Host))
    bool ignored = true;   // a field darkscan does not read (neither a kind nor a date or time)
  };

private:
  // parse() after its first checks: the fields between the ends `field_end(start)` gives.
  template <typename NextEnd>
  bool parse_fields(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
                    util::Scratch& scratch, NextEnd field_end) const;

  std::vector<Field> m_fields;
  std::string m_spec;
  bool m_cloudfront = false;
  bool m_plain = false; // no two fields of one kind (cs(Referer) and cs(Referrer)): none to rank
  bool m_has_referer = false, m_has_user_agent = false;
};

} // namespace darkscan
