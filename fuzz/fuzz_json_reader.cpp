// Fuzz target: the JSON-lines reader (json_format.cpp: simdjson On Demand over a line), which reads
// attacker-controlled log text in Caddy, Traefik, Cloudflare and nginx escape=json logs.
//
// Input: the first byte picks a preset or a custom key map with nested keys and every unit; the
// rest is split on '\n' and each line is parsed into a room of exactly its size. Checks: no memory
// error (the line is copied into an exact-size block), every view inside the line or the room, a
// failure has a reason and a column inside the line, a record that is not a request is a failure.
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

const std::vector<darkscan::LogFormat>& formats() {
  static const std::vector<darkscan::LogFormat> list = [] {
    std::vector<darkscan::LogFormat> out;
    for (const char* name : {"caddy", "traefik-json", "cloudflare", "nginx-json"})
      out.push_back(darkscan::fuzz::preset_or_abort(name, "fuzz_json_reader"));
    try {
      out.push_back(darkscan::LogFormat::compile(
          "json: a.b.c=target a.b.ua=user_agent a.ref=referer t=time ip=client:port d=duration:ms "
          "e=duration:us f=duration:ns g=duration:s s=status n=bytes h=host q=query p=path x.y=headers"));
    } catch (const darkscan::Error& e) {
      std::fprintf(stderr, "fuzz_json_reader: cannot compile the key map: %s\n", e.what());
      std::abort();
    }
    return out;
  }();
  return list;
}

void parse_line(const darkscan::LogFormat& format, std::string_view text) {
  darkscan::fuzz::parse_in_room_and_check(
      format, text, [](const darkscan::Hit& hit, std::string_view line, std::size_t) {
        // A record whose "request" holds no request (a TLS handshake, "-") is parsed, as an invalid
        // request; any other record without one is a record of another kind, not parsed.
        darkscan::fuzz::require(hit.request_valid || !hit.target.empty() || !hit.path.empty() ||
                                    !hit.method.empty() || line.find("request") != std::string_view::npos,
                                "a parsed JSON record without a request", line, 0);
      });
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
