#pragma once

#include <string>

namespace darkscan::util {

// A plain, locale-free decimal with at most 4 decimals and no trailing zeros
// ("0.8", "12", "0.0417"), for machine formats.
std::string plain_number(double value);

// "41.7%" with one decimal, for people.
std::string percent(double fraction);

} // namespace darkscan::util
