#pragma once

#include <darkscan/parse/field_kind.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/util/scratch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace darkscan {

// A JSON-lines access log (nginx `escape=json`, Caddy, Traefik, Cloudflare Logpush): one JSON object
// a line, read with simdjson's On Demand API, which visits each key once and unescapes only the
// values darkscan keeps. Which key holds which field is a *key map*, compiled once:
//
//   ts=time request.uri=target request.headers.User-Agent=user_agent status=status ...
//
// - `a.b.c` is a key inside nested objects; an array value gives its first string (Caddy's headers
//   are arrays: "User-Agent": ["..."]).
// - Field names are FieldKind's (client, user, time, request, method, target, path, query, protocol,
//   status, bytes, referer, user_agent, host, forwarded_for, requested_with, duration).
//   `client:port` drops a port ("10.0.0.1:5678"); `duration:s|ms|us|ns` gives the unit.
//   Times are read by their value (util::parse_any_time): RFC 3339, CLF, or epoch s/ms/µs/ns.
// - Several keys may give one field: the first listed that a line has wins (Caddy's client_ip
//   before remote_ip before remote_addr).
// - `a.b=headers` (an object) or `prefix*=headers` (Traefik's request_ keys) says the line logs
//   request headers: then a missing Referer or User-Agent key means the request had none, while
//   without the marker it means the log does not say.
class JsonFormat {
public:
  // Throws Error(ExitCode::usage) naming the entry that is not `key=field`.
  static std::shared_ptr<const JsonFormat> compile(std::string_view key_map);

  // Parses one line into `hit` (blanked first). Values with JSON escapes are unescaped into
  // `scratch` (the others are views into `line`); a line whose bytes are not valid UTF-8 is read
  // with those bytes kept as they are, as nginx writes them. False with `error` set: not a JSON
  // object, cut short, a field of the wrong kind (a status that is not a 3-digit number), or, with
  // error.not_a_record, a JSON object without a request. `fields`: the fields found.
  bool parse(std::string_view line, Hit& hit, ParseError& error, std::size_t& fields,
             util::Scratch& scratch) const;

  // Whether the map has a key for this field.
  bool has(FieldKind kind) const { return m_has[static_cast<std::size_t>(kind)]; }
  std::size_t field_count() const { return m_leaves; }
  const std::string& key_map() const { return m_map; }

  // The compiled map (public for the parser in json_format.cpp).
  enum class Unit : std::uint8_t { none, port, seconds, millis, micros, nanos };
  struct Entry {
    std::string key;
    std::int32_t child = -1; // index of the nested object's node, or -1 for a value
    FieldKind kind = FieldKind::skip;
    Unit unit = Unit::none;
    std::uint8_t rank = 0; // among the keys of the same field: lower wins
    bool headers = false;  // an object whose presence says that request headers are logged
  };
  struct Node {
    // Open addressing over `entries`, by a hash of a key's length and first 8 bytes: a line's keys
    // are mostly ones no entry names, and a miss costs one load and compare.
    struct Slot {
      std::uint64_t head = 0; // the key's first 8 bytes (fewer: zero-padded)
      std::uint32_t size = 0;
      std::int32_t entry = -1; // -1: empty
    };
    std::vector<Entry> entries;
    std::vector<Slot> slots;
    // `key` must be readable for 8 bytes (the parser's padded copy of the line).
    const Entry* find(const char* key, std::size_t size) const;
    // Fills `slots` from `entries`: once, when the map is compiled (next to find(), which reads them).
    void index();
  };
  struct Walk; // one line's walk (json_format.cpp)

private:
  struct KeyMapReader; // compile()'s reading of one key=field entry (json_key_map.cpp)

  std::string m_map;
  std::vector<Node> m_nodes; // [0] is the line's object
  std::string m_headers_prefix;
  std::array<bool, 32> m_has{};
  std::size_t m_leaves = 0;
  bool m_has_headers_marker = false;

  bool walk(Walk& w, void* object, std::size_t node, int depth) const;
};

} // namespace darkscan
