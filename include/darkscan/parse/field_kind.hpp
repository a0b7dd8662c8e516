#pragma once

#include <cstddef>
#include <cstdint>

namespace darkscan {

// What a field of the log line means to darkscan.
enum class FieldKind : std::uint8_t {
  skip,           // a variable darkscan does not use
  client,         // $remote_addr, %h, %a
  user,           // $remote_user, %u
  time,           // $time_local, $time_iso8601, $msec, %t, %{...}t
  request,        // $request, %r
  method,         // $request_method, %m
  target,         // $request_uri (path + query)
  path,           // $uri, %U
  query,          // $args, $query_string, %q
  protocol,       // $server_protocol, %H
  status,         // $status, %s, %>s
  bytes,          // $body_bytes_sent, $bytes_sent, %b, %B, %O
  referer,        // $http_referer, %{Referer}i
  user_agent,     // $http_user_agent, %{User-Agent}i
  host,           // $host, $server_name, %v, %V
  forwarded_for,  // $http_x_forwarded_for, %{X-Forwarded-For}i
  requested_with, // $http_x_requested_with, %{X-Requested-With}i
  duration,       // $request_time (s), %D (µs), %T (s)
};

// How a time field is written.
// `zone` is Apache's "%{%z}t" after a time written without its offset: the offset, applied to the
// time read before it (mod_log_config's "%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t").
enum class TimeKind : std::uint8_t { clf, iso8601, epoch_seconds, epoch_millis, epoch_micros, pattern, zone };

// Where a parse failed: a static description and the byte column (0-based).
// Owns nothing, so failing costs nothing. `reason` is an English literal marked N_(): translated
// (translated(reason)) only where it is kept for people, never per line.
struct ParseError {
  const char* reason = "";
  std::size_t column = 0;
  // The line is well formed but not a request: a W3C directive ("#Fields: ..."), a JSON record of
  // another kind (a server's start-up message). Counted apart, never malformed.
  bool not_a_record = false;
};

} // namespace darkscan
