#include <darkscan/util/number.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string_view>

namespace darkscan::util {

std::string plain_number(double value) {
  std::string s;
  append_plain_number(s, value);
  return s;
}

namespace {

// The digits fmt's "{:.4f}" gives, trailing zeros trimmed, worked out without fmt when they can be:
// fmt rounds the exact binary value to 4 decimals, to the nearest (ties to even). Here
// x = |value|·10^4 is rounded to a double first; rounding to nearest is monotonic and k + 0.5 is a
// double for k < 2^51, so x lands on the same side of every half as the exact product, or on the
// half itself: only then (an exact tie such as 0.03125, or a product rounded onto it) does fmt
// decide. False when fmt must. The JSON report wrote its numbers through fmt at about 1,150
// instructions each (callgrind, 6,007 pages: 28 M of the report's 129 M).
bool append_short(std::string& out, double value) {
  const double scaled = std::fabs(value) * 10000.0;
  if (!(scaled < 0x1p51)) return false;
  const double whole = std::floor(scaled), fraction = scaled - whole;
  if (fraction == 0.5) return false;
  const auto n = static_cast<std::uint64_t>(whole) + (fraction > 0.5 ? 1U : 0U);
  if (n == 0) {
    out += '0'; // fmt's "-0.0000" is "0" here
    return true;
  }
  char buffer[24];
  char* end = buffer + sizeof buffer;
  char* p = end;
  std::uint64_t decimals = n % 10000;
  if (decimals != 0) {
    int digits = 4;
    while (decimals % 10 == 0)
      decimals /= 10, --digits;
    for (int i = 0; i < digits; ++i, decimals /= 10)
      *--p = static_cast<char>('0' + decimals % 10);
    *--p = '.';
  }
  std::uint64_t units = n / 10000;
  do {
    *--p = static_cast<char>('0' + units % 10);
    units /= 10;
  } while (units != 0);
  if (value < 0) *--p = '-';
  out.append(p, static_cast<std::size_t>(end - p));
  return true;
}

} // namespace

void append_plain_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += '0';
    return;
  }
  if (append_short(out, value)) return;
  // Formatted on the stack: a std::string per number was most of the JSON report's 1,200
  // instructions a number.
  char buffer[64];
  const auto result = fmt::format_to_n(buffer, sizeof buffer, "{:.4f}", value);
  std::string big;
  std::string_view s(buffer, result.size);
  if (result.size > sizeof buffer) s = big = fmt::format("{:.4f}", value); // beyond 1e58
  while (!s.empty() && s.back() == '0')
    s.remove_suffix(1);
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s == "-0") s = "0";
  out.append(s);
}

} // namespace darkscan::util
