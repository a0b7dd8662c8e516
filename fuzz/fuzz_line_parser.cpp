// Fuzz target: the per-line parser (LogFormat::parse), the hot path that reads
// attacker-controlled log text.
//
// Input: the first byte picks a format (a preset, or one of three custom
// formats with the less common fields: ISO 8601 and epoch times, strftime
// patterns, durations, $host, X-Forwarded-For); the rest is split on '\n' and
// each line is parsed relaxed and exact. Checks (hit_checks.hpp): no memory
// error, views inside the line, exact parse never looser than the relaxed one;
// for the combined formats (Apache's spelling and nginx's), the fast path of
// combined_fast.hpp gives what the generic walker gives, line by line.
#include "hit_checks.hpp"

#include <darkscan/common/error.hpp>
#include <darkscan/parse/log_format.hpp>
#include <darkscan/parse/presets.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

// The formats, compiled once per process.
const std::vector<darkscan::LogFormat>& formats() {
  static const std::vector<darkscan::LogFormat> list = [] {
    std::vector<darkscan::LogFormat> out;
    try {
      for (const char* name : {"combined", "common", "vcombined", "combined-xff"}) {
        darkscan::LogFormat format;
        if (!darkscan::find_preset(name, format)) {
          std::fprintf(stderr, "fuzz_line_parser: no preset '%s'\n", name);
          std::abort();
        }
        out.push_back(std::move(format));
      }
      // nginx: samples/nginx-custom.format (ISO time, $request_time, $host, XFF).
      out.push_back(darkscan::LogFormat::compile(
          R"($host $remote_addr [$time_iso8601] "$request" $status $body_bytes_sent $request_time )"
          R"("$http_referer" "$http_user_agent" "$http_x_forwarded_for")"));
      // Apache: samples/apache-custom.format (epoch seconds, %D in µs).
      out.push_back(darkscan::LogFormat::compile(
          R"(%h %l %u %{sec}t \"%r\" %>s %B %D \"%{Referer}i\" \"%{User-Agent}i\")"));
      // nginx's own spelling of combined (" - " as text): the fast path's other shape.
      out.push_back(darkscan::LogFormat::compile(
          R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent )"
          R"("$http_referer" "$http_user_agent")"));
      // Apache with a strftime time holding spaces.
      out.push_back(darkscan::LogFormat::compile(
          R"(%h %l %u [%{%d/%b/%Y %H:%M:%S %z}t] \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\")"));
    } catch (const darkscan::Error& e) {
      std::fprintf(stderr, "fuzz_line_parser: cannot compile the formats: %s\n", e.what());
      std::abort();
    }
    return out;
  }();
  return list;
}

// The same formats with the fast path turned off: what the fast path is compared with.
const std::vector<darkscan::LogFormat>& generic_formats() {
  static const std::vector<darkscan::LogFormat> list = [] {
    std::vector<darkscan::LogFormat> out = formats();
    for (auto& format : out)
      format.disable_fast_path();
    return out;
  }();
  return list;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& list = formats();
  const std::size_t index = data[0] % list.size();
  const darkscan::LogFormat& format = list[index];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (;;) {
    const std::size_t nl = rest.find('\n');
    darkscan::fuzz::parse_and_check(format, rest.substr(0, nl));
    if (format.has_fast_path())
      darkscan::fuzz::require_same_parse(format, generic_formats()[index], rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return 0;
}
