// Fuzz target: the W3C extended-log reader (w3c_format.cpp), which reads attacker-controlled IIS
// and CloudFront logs, "#Fields" directives included.
//
// Input: lines split on '\n'. A "#Fields:" line compiles a new format, as the scanner does (an
// error is fine, a crash is not); the first data lines before any use CloudFront's and IIS's
// defaults by turns. Each line is parsed into a room of exactly its size. Checks: no memory error,
// every view inside the line or the room, a directive is never a record, a failure has a reason.
#include "hit_checks.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>
#include <darkscan/parse/w3c_format.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

void parse_line(const darkscan::LogFormat& format, std::string_view text) {
  darkscan::fuzz::parse_in_room_and_check(
      format, text, [&format](const darkscan::Hit&, std::string_view line, std::size_t fields) {
        darkscan::fuzz::require(line.empty() || line[0] != '#', "a directive parsed as a record", line, 0);
        darkscan::fuzz::require(fields == format.field_count(), "a W3C line with another number of fields",
                                line, 0);
      });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const darkscan::LogFormat cloudfront =
      darkscan::fuzz::preset_or_abort("cloudfront", "fuzz_w3c_reader");
  static const darkscan::LogFormat iis = darkscan::fuzz::preset_or_abort("w3c", "fuzz_w3c_reader");
  if (size == 0) return 0;
  darkscan::LogFormat format = data[0] % 2 ? cloudfront : iis;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (;;) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    if (darkscan::W3cFormat::is_fields_directive(line)) {
      try {
        format = darkscan::LogFormat::w3c(line);
      } catch (const darkscan::Error&) {
        // A directive that names no request field: the scanner keeps the fields before it.
      }
    }
    parse_line(format, line);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return 0;
}
