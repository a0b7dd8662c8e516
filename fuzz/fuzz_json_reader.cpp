// Fuzz target: the JSON-lines reader (json_format.cpp: simdjson On Demand over a line), which reads
// attacker-controlled log text in Caddy, Traefik, Cloudflare and nginx escape=json logs.
//
// Input: the first byte picks a preset or a custom key map with nested keys and every unit; the
// rest is split on '\n' and each line is parsed into a room of exactly its size. Checks: no memory
// error (the line is copied into an exact-size block), every view inside the line or the room, a
// failure has a reason and a column inside the line, a record that is not a request is a failure.
#include "hit_checks.hpp"

#include <darkscan/error.hpp>
#include <darkscan/log_format.hpp>
#include <darkscan/presets.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

namespace {

const std::vector<darkscan::LogFormat>& formats() {
  static const std::vector<darkscan::LogFormat> list = [] {
    std::vector<darkscan::LogFormat> out;
    try {
      for (const char* name : {"caddy", "traefik-json", "cloudflare", "nginx-json"}) {
        darkscan::LogFormat format;
        if (!darkscan::find_preset(name, format)) {
          std::fprintf(stderr, "fuzz_json_reader: no preset '%s'\n", name);
          std::abort();
        }
        out.push_back(std::move(format));
      }
      out.push_back(darkscan::LogFormat::compile(
          "json: a.b.c=target a.b.ua=user_agent a.ref=referer t=time ip=client:port d=duration:ms "
          "e=duration:us f=duration:ns g=duration:s s=status n=bytes h=host q=query p=path x.y=headers"));
    } catch (const darkscan::Error& e) {
      std::fprintf(stderr, "fuzz_json_reader: cannot compile the formats: %s\n", e.what());
      std::abort();
    }
    return out;
  }();
  return list;
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
    require(fields <= format.field_count(), "more fields than the format has", line, 0);
    require(hit.request_valid || !hit.target.empty() || !hit.path.empty() || !hit.method.empty(),
            "a parsed JSON record without a request", line, 0);
  } else {
    require(error.reason != nullptr && *error.reason != '\0', "failed parse without a reason", line, 0);
    require(error.column <= line.size() + 64, "error column past the end of the line", line, 0);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& list = formats();
  const darkscan::LogFormat& format = list[data[0] % list.size()];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (;;) {
    const std::size_t nl = rest.find('\n');
    parse_line(format, rest.substr(0, nl));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  return 0;
}
