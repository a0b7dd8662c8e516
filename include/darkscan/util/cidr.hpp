#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace darkscan::util {

// An address range: "10.0.0.0/8", "2001:db8::/32", or one address ("203.0.113.7", a /32 or /128).
struct Cidr {
  std::array<unsigned char, 16> bytes{};
  int bits = 0;
  bool v6 = false;
};

// The range `text` names, or nothing when it is none (a bad address, a prefix longer than the
// address, junk after it).
std::optional<Cidr> parse_cidr(std::string_view text);

// True when the address `address` (as logged, without its port) lies in one of `ranges`. No
// allocation: asked for every page view when --trusted-proxy is given.
bool in_ranges(std::string_view address, const std::vector<Cidr>& ranges);

} // namespace darkscan::util
