#pragma once

#include <darkscan/parse/field_kind.hpp>
#include <darkscan/parse/hit.hpp>

#include <cstdint>
#include <string_view>

namespace darkscan {

// Field values into a Hit, the same for every log syntax (text formats, JSON, W3C), so that the
// same traffic is read the same whatever the server wrote. None allocates or throws.

// Stores `value`, as logged, as the field `kind` of `hit`, for every kind but time and duration
// (whose units the format knows). "-" is "none" where the log writes it so. False when the value is
// not what the kind holds: a status that is not 3 digits, a byte count that is not a number, an
// empty client or "-".
bool store_field(FieldKind kind, std::string_view value, Hit& hit);

// "-" (the log's "none") as empty, and "(null)", which Fastly's VCL writes for a header the request
// did not send (developer.fastly.com/reference/vcl/types/string: a CDN review, 2026-12-07, found its
// referrers taken for a site named "(null)", every referrer-less visit internal); any other value as
// it is.
[[gnu::always_inline]] inline std::string_view none_if_dash(std::string_view s) {
  if (s.size() != 1 && s.size() != 6) [[likely]]
    return s;
  if (s.size() == 1) return s[0] == '-' ? std::string_view() : s;
  return s[0] == '(' && (s == "(null)" || s == "(NULL)") ? std::string_view() : s;
}

// A referrer field's value, empty when it names no page: "-", "(null)", and "about:blank" (a new tab,
// a window a script opened: nothing to come from; an analyst's review, 2026-12-07: it was an
// external site's referral).
[[gnu::always_inline]] inline std::string_view referrer_or_none(std::string_view s) {
  if (s.size() == 11 && s[0] == 'a' && s == "about:blank") [[unlikely]] // not for translation
    return {};
  return none_if_dash(s);
}

// The status written as three digits at `p` (which holds at least three bytes) into `status`; false,
// and `status` untouched, when they are not all digits. Inline: every parser reads it once a line.
inline bool read_status(const char* p, int& status) {
  for (int k = 0; k < 3; ++k)
    if (p[k] < '0' || p[k] > '9') return false;
  status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
  return true;
}

// A query string as a query field logs it: Apache's %q with its "?", "-" for none.
inline std::string_view query_value(std::string_view value) {
  if (!value.empty() && value[0] == '?') value.remove_prefix(1);
  return none_if_dash(value);
}

// After all fields of a line: a request given in parts ($request_method $request_uri, %m %U%q, JSON
// and W3C fields) is made valid when its target is, and the target is split into path and query
// (a query or path given on its own wins).
void finish_request(Hit& hit);

// "0.012" with scale 1000000 (seconds to µs) -> 12000; "-" and "" -> -1. False when not a number.
bool parse_duration(std::string_view s, std::int64_t scale, std::int64_t& out);

// "example.com:443" -> "example.com"; "[::1]:80" -> "[::1]"; IPv6 without brackets is left alone.
std::string_view strip_port(std::string_view host);

// "10.0.0.1:5678" -> "10.0.0.1"; "[2001:db8::1]:443" -> "2001:db8::1": a client address logged
// with its port (Caddy's remote_addr, Traefik's ClientAddr).
std::string_view client_without_port(std::string_view addr);

} // namespace darkscan
