#pragma once

#include <string>

namespace darkscan::util {

// A plain, locale-free decimal with at most 4 decimals and no trailing zeros
// ("0.8", "12", "0.0417"), for machine formats.
std::string plain_number(double value);
// The same, appended to `out`.
void append_plain_number(std::string& out, double value);

// Numbers for people are written in their language: number_text, percent_text (i18n.hpp).

} // namespace darkscan::util
