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

// An IPv4 address mapped in IPv6 (::ffff:1.2.3.4), as a dual-stack server logs an IPv4 client, made
// the IPv4 one, with `bits` of the IPv6 prefix made the IPv4 one's: ::ffff:198.51.100.0/120 is
// 198.51.100.0/24 (a review, 2026-12-07: --exclude-ip in the mapped form left out nothing). False,
// and nothing changed, for any other address, or a prefix shorter than the mapping's 96 bits.
bool unmap(std::array<unsigned char, 16>& bytes, bool& v6, int& bits) {
  static constexpr std::array<unsigned char, 12> k_mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (!v6 || bits < 96 || std::memcmp(bytes.data(), k_mapped.data(), k_mapped.size()) != 0) return false;
  std::memmove(bytes.data(), bytes.data() + 12, 4);
  std::memset(bytes.data() + 4, 0, 12);
  v6 = false, bits -= 96;
  return true;
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
  unmap(out.bytes, out.v6, out.bits);
  return out;
}

bool in_ranges(std::string_view address, const std::vector<Cidr>& ranges) {
  std::array<unsigned char, 16> bytes{};
  bool v6 = false;
  if (ranges.empty() || !parse_address(address, bytes, v6)) return false;
  int bits = 128;
  unmap(bytes, v6, bits);
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
