#pragma once

#include <algorithm>
#include <initializer_list>
#include <string_view>

namespace darkscan::util {

// The columns `text` (UTF-8) takes on a terminal, counted as fmt pads ("{:<20}"): one per code point,
// so that "é" (2 bytes) and the narrow no-break space of French numbers (3 bytes) count one each.
// Wide (East Asian) characters count one here; the table's own words and numbers have none.
constexpr std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text)
    width += (static_cast<unsigned char>(c) & 0xC0) != 0x80; // not a continuation byte
  return width;
}

// The width of a column: at least `least` (the English layout), more when one of `texts` needs it.
constexpr std::size_t column_width(std::size_t least, std::initializer_list<std::string_view> texts) {
  for (const std::string_view text : texts)
    least = std::max(least, display_width(text));
  return least;
}

} // namespace darkscan::util
