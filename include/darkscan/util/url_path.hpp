#pragma once

#include <string>
#include <string_view>

namespace darkscan::util {

// One page, one key: a request path as logged, made canonical so that the same
// page requested or logged in different spellings is one row.
// - %XX escapes of unreserved characters (A-Z a-z 0-9 - . _ ~) and of bytes
//   that form valid UTF-8 are decoded (RFC 3986 section 6.2.2.2: such escapes
//   are equivalent to the character): /news/%C3%A9t%C3%A9 -> /news/été;
// - the log's own escapes of the request (nginx "\xHH", Apache "\"", "\\" and
//   "\xHH") are undone the same way: what decodes to valid UTF-8 is shown as
//   UTF-8, anything else (reserved characters, control bytes, invalid UTF-8,
//   a quote) becomes %XX in upper case, as the client would have sent it;
// - other escapes keep their meaning (%2F stays %2F) with upper-case hex.
// Returns false, leaving `out` alone, when `path` holds no '%' and no '\':
// the common case costs two memchr. Otherwise writes the canonical form to
// `out` (reused: no allocation once it has grown) and returns true.
bool normalise_path(std::string_view path, std::string& out);

} // namespace darkscan::util
