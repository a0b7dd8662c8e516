// Fuzz target: the W3C extended-log reader (w3c_format.cpp), which reads attacker-controlled IIS
// and CloudFront logs, "#Fields" directives included.
//
// Input: lines split on '\n'. A "#Fields:" line compiles a new format, as the scanner does (an
// error is fine, a crash is not); the first data lines before any use CloudFront's and IIS's
// defaults by turns. Each line is parsed into a room of exactly its size. Checks: no memory error,
// every view inside the line or the room, a directive is never a record, a failure has a reason.
#include "hit_checks.hpp"

#include <darkscan/error.hpp>
#include <darkscan/log_format.hpp>
#include <darkscan/presets.hpp>
#include <darkscan/w3c_format.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace {

darkscan::LogFormat preset(const char* name) {
  darkscan::LogFormat format;
  if (!darkscan::find_preset(name, format)) {
    std::fprintf(stderr, "fuzz_w3c_reader: no preset '%s'\n", name);
    std::abort();
  }
  return format;
}

void parse_line(const darkscan::LogFormat& format, std::string_view text) {
  using darkscan::fuzz::require;
  const darkscan::fuzz::ExactLine copy(text);
  const std::string_view line = copy.view();
  const std::unique_ptr<char[]> room_bytes(new char[line.size() ? line.size() : 1]);
  darkscan::util::Scratch room(room_bytes.get(), line.size());
  darkscan::Hit hit;
  darkscan::ParseError error;
  std::size_t fields = 0;
  if (format.parse(line, hit, error, false, fields, &room)) {
    darkscan::fuzz::check_views(hit, line, std::string_view(room_bytes.get(), line.size()));
    require(line.empty() || line[0] != '#', "a directive parsed as a record", line, 0);
    require(fields == format.field_count(), "a W3C line with another number of fields", line, 0);
  } else {
    require(error.reason != nullptr && *error.reason != '\0', "failed parse without a reason", line, 0);
    require(error.column <= line.size(), "error column past the end of the line", line, 0);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const darkscan::LogFormat cloudfront = preset("cloudfront");
  static const darkscan::LogFormat iis = preset("w3c");
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
