// Fuzz target: the format compiler (LogFormat::compile, resolve_format), which
// reads --log-format: nginx and Apache syntax, whole config lines, strftime
// time patterns.
//
// Input: the format string. If it holds a NUL byte, the format is the text
// before it and the lines after it ('\n'-separated) are parsed with the
// compiled format too, so that the fuzzer can pair formats with lines. A
// format that compiles also parses a few fixed lines. Compile errors must be
// darkscan::Error; anything else (another exception, a crash) is a finding.
#include "hit_checks.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

// Lines in the shapes the usual formats produce, and a few that are not.
constexpr std::string_view k_lines[] = {
    R"(203.0.113.7 - - [20/Nov/2026:08:15:02 +0100] "GET /a/b?utm_source=whatsapp HTTP/1.1" 200 5123 "-" "WhatsApp/2.23.20.0 A")",
    R"(www.example.com:443 203.0.113.7 - - [20/Nov/2026:08:15:02 +0100] "GET / HTTP/2.0" 304 0 "https://www.google.com/" "Mozilla/5.0")",
    R"(www.example.com 203.0.113.7 [2026-11-20T08:15:02+01:00] "GET /post HTTP/1.1" 200 12 0.004 "-" "Mozilla/5.0 (iPhone) [FBAN/MessengerForiOS]" "198.51.100.2, 10.0.0.1")",
    R"(203.0.113.7 - - 1795677302 "POST /api?x=1 HTTP/1.1" 201 - 1234 "android-app://com.google.android.gm/" "curl/8.0")",
    R"(203.0.113.7 - - [20/Nov/2026 08:15:02 +0100] "\x16\x03\x01\x02\x00\x01\x00\x01\xFC\x03\x03" 400 157 "-" "-")",
    "1795677302.123 203.0.113.7 GET /x?y=\"z\" HTTP/1.0 200 7 com.whatsapp \t\"quoted \\\" value\"",
    "",
    "-",
};

void parse_lines(const darkscan::LogFormat& format, std::string_view extra) {
  for (std::string_view line : k_lines) darkscan::fuzz::parse_and_check(format, line);
  while (!extra.empty()) {
    const std::size_t nl = extra.find('\n');
    darkscan::fuzz::parse_and_check(format, extra.substr(0, nl));
    if (nl == std::string_view::npos) break;
    extra.remove_prefix(nl + 1);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view spec = input.substr(0, nul);
  const std::string_view lines = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  try {
    const darkscan::LogFormat format = darkscan::LogFormat::compile(spec);
    darkscan::fuzz::require(format.field_count() > 0, "a compiled format has no fields", spec);
    parse_lines(format, lines);
    // The format is copyable (presets and Scanner copy it): the copy parses alike.
    const darkscan::LogFormat copy = format;
    for (std::string_view line : k_lines) {
      darkscan::Hit a, b;
      darkscan::ParseError ea, eb;
      darkscan::fuzz::require(format.parse(line, a, ea) == copy.parse(line, b, eb),
                              "a copied format parses differently", line);
    }
  } catch (const darkscan::Error&) {
    // A refused format: the expected outcome for most inputs.
  }

  // --log-format goes through resolve_format: preset names, then compile().
  try {
    const darkscan::LogFormat format = darkscan::resolve_format(spec);
    darkscan::fuzz::parse_and_check(format, k_lines[0]);
  } catch (const darkscan::Error&) {
  }
  return 0;
}
