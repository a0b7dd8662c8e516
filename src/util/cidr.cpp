// Address ranges, for --trusted-proxy (the proxies whose X-Forwarded-For is believed).
#include <darkscan/util/cidr.hpp>

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace darkscan::util {

namespace {

// The address `text` in network order: 4 bytes (IPv4) or 16 (IPv6); false when it is none.
bool parse_address(std::string_view text, std::array<unsigned char, 16>& bytes, bool& v6) {
  char buffer[64];
  if (text.empty() || text.size() >= sizeof buffer) return false;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  bytes = {};
  if (::inet_pton(AF_INET, buffer, bytes.data()) == 1) {
    v6 = false;
    return true;
  }
  if (::inet_pton(AF_INET6, buffer, bytes.data()) == 1) {
    v6 = true;
    return true;
  }
  return false;
}

} // namespace

std::optional<Cidr> parse_cidr(std::string_view text) {
  Cidr out;
  const std::size_t slash = text.find('/');
  if (!parse_address(text.substr(0, slash), out.bytes, out.v6)) return std::nullopt;
  const int most = out.v6 ? 128 : 32;
  out.bits = most;
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    const auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), out.bits);
    if (bits.empty() || error != std::errc() || end != bits.data() + bits.size() || out.bits < 0 ||
        out.bits > most)
      return std::nullopt;
  }
  return out;
}

bool in_ranges(std::string_view address, const std::vector<Cidr>& ranges) {
  std::array<unsigned char, 16> bytes{};
  bool v6 = false;
  if (ranges.empty() || !parse_address(address, bytes, v6)) return false;
  for (const Cidr& range : ranges) {
    if (range.v6 != v6) continue;
    const int whole = range.bits / 8, rest = range.bits % 8;
    if (std::memcmp(bytes.data(), range.bytes.data(), static_cast<std::size_t>(whole)) != 0) continue;
    const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
    if (rest == 0 || (bytes[static_cast<std::size_t>(whole)] & mask) ==
                         (range.bytes[static_cast<std::size_t>(whole)] & mask))
      return true;
  }
  return false;
}

} // namespace darkscan::util
