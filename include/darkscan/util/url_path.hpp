#pragma once

#include <string>
#include <string_view>
#include <vector>

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

// One parameter of a query string: "b=2" is the pair, "b" the name, "2" the value (empty when the
// pair has no '='). Names are compared by each caller: exactly for page keys and content
// parameters (a server tells "id" from "ID"), ignoring case for the rules' tags (utm_source is
// written UTM_Source too).
struct QueryParam {
  std::string_view pair, name, value;
};

// Takes the next parameter off the front of `query` ("a=1&b=2" -> "a=1", leaving "b=2"), empty pairs
// included; false when `query` is empty. The one place a query string is split.
inline bool next_param(std::string_view& query, QueryParam& param) {
  if (query.empty()) return false;
  const std::size_t amp = query.find('&');
  param.pair = query.substr(0, amp);
  query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  const std::size_t eq = param.pair.find('=');
  param.name = param.pair.substr(0, eq);
  param.value = eq == std::string_view::npos ? std::string_view() : param.pair.substr(eq + 1);
  return true;
}

// A page's key: its canonical path (normalise_path), plus the query parameters named in `keep`,
// in the order the URL has them ("/?p=123", "/item?id=42"). Written to `path_buf` or `key_buf`
// (reused: no allocation once grown) or a view of `path`.
std::string_view page_key(std::string_view path, std::string_view query, const std::vector<std::string>& keep,
                          std::string& path_buf, std::string& key_buf);

// True if `query` ("a=1&b=2") has a parameter named in `names`.
bool has_param(std::string_view query, const std::vector<std::string>& names);

// The path and query of a URL as a referrer gives it ("https://host/a/b?x=1#f": "/a/b" and "x=1";
// a URL without a path: "/"). Views into `url`.
void url_path_query(std::string_view url, std::string_view& path, std::string_view& query);

// The path alone.
inline std::string_view url_path(std::string_view url) {
  std::string_view path, query;
  url_path_query(url, path, query);
  return path;
}

} // namespace darkscan::util
