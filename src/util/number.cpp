#include <darkscan/util/number.hpp>

#include <fmt/format.h>

#include <cmath>

namespace darkscan::util {

std::string plain_number(double value) {
  if (!std::isfinite(value)) return "0";
  std::string s = fmt::format("{:.4f}", value);
  while (s.back() == '0')
    s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

} // namespace darkscan::util
