#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace darkscan {

// One parsed log line. Every view points into the line buffer and is valid
// only until the next line is read; values are as logged (still escaped, e.g.
// "\x22" or "\""). Fields the format does not have stay empty.
struct Hit {
  static constexpr std::int64_t k_no_time = std::numeric_limits<std::int64_t>::min();

  std::string_view client;         // $remote_addr / %h; may be an X-Forwarded-For style list
  std::string_view user;           // $remote_user / %u, "-" when none
  std::string_view host;           // $host / %v, without ":port"
  std::string_view method;         // "GET"
  std::string_view target;         // "/a/b?x=1" as requested (path + query)
  std::string_view path;           // "/a/b"
  std::string_view query;          // "x=1" (without '?'), empty when none
  std::string_view protocol;       // "HTTP/1.1"
  std::string_view referer;        // empty when the log says "-" or ""
  std::string_view user_agent;     // empty when the log says "-" or ""
  std::string_view forwarded_for;  // $http_x_forwarded_for, empty when "-"
  std::string_view requested_with; // $http_x_requested_with (Android app package), empty when "-"
  std::string_view file;           // the input's name, for messages and --hits
  std::uint64_t line = 0;          // 1-based line number in that input

  std::int64_t time = k_no_time; // UTC seconds since the epoch
  std::int64_t duration_us = -1; // $request_time / %D, -1 when absent
  std::uint64_t bytes = 0;       // response bytes; "-" is 0
  int status = 0;                // HTTP status, 0 when absent

  // False when the request line is not "METHOD TARGET [PROTOCOL]": TLS
  // handshakes on port 80, "-", "", probes. Such a line is a valid log line.
  bool request_valid = false;
  // Whether the request line's target is a whole URL ("GET http://azenv.net/azenv.php HTTP/1.1"), as
  // a client sends a forward proxy; not for a format that logs the URL apart ($request_uri, a JSON
  // log's full request URL), which a server or CDN may write whole.
  bool absolute_form = false;

  // Whether the line logs the user agent at all: without one (Common Log
  // Format, or a common line in a combined log), an empty user agent says
  // nothing about bots: the hit is a page view of unknown agent.
  bool has_user_agent = false;
  // The same for the referrer: without the field, where a visitor came from is unknown.
  bool has_referer = false;
};

} // namespace darkscan
