#pragma once

// Hits for the tests of what the analyzer and the state make of a few visits: a Visit owns a hit's
// text (a Hit only views it), hit_of() makes the Hit of a page view answered 200.

#include <darkscan/parse/hit.hpp>

#include <cstdint>
#include <string>

namespace darkscan::test {

constexpr std::int64_t k_t0 = 1795158902; // 2026-11-20T07:15:02Z
constexpr const char* k_chrome = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36";

struct Visit {
  std::int64_t time;
  std::string client;
  std::string path;
  std::string ua = k_chrome;
  std::string referer{};
};

inline Hit hit_of(const Visit& v) {
  Hit h;
  h.time = v.time;
  h.client = v.client;
  h.user_agent = v.ua;
  h.path = v.path;
  h.target = v.path;
  h.referer = v.referer;
  h.status = 200;
  h.method = "GET";
  h.request_valid = true;
  h.has_user_agent = true;
  h.has_referer = true;
  return h;
}

} // namespace darkscan::test
