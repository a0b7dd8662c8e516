#include <darkscan/util/number.hpp>

#include <fmt/format.h>

#include <cmath>
#include <string_view>

namespace darkscan::util {

std::string plain_number(double value) {
  std::string s;
  append_plain_number(s, value);
  return s;
}

void append_plain_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += '0';
    return;
  }
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
