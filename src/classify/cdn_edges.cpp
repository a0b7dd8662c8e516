#include <darkscan/classify/cdn_edges.hpp>
#include <darkscan/util/cidr.hpp>

#include <algorithm>
#include <bitset>
#include <vector>

namespace darkscan {

namespace {

// Cloudflare's published ranges (www.cloudflare.com/ips-v4 and /ips-v6, the same since 2021, as
// developers.cloudflare.com's "Allow Cloudflare IP addresses" points to them), which nginx's
// set_real_ip_from and Apache's RemoteIPTrustedProxy are told to trust.
struct Edges {
  std::vector<util::Cidr> ranges;
  // The first words the ranges can start with, taken from the ranges themselves so that the two
  // cannot drift apart: an IPv4 range's first byte, an IPv6 range's first 16 bits (every range here
  // is at least that long).
  std::bitset<256> v4_firsts;
  std::vector<unsigned> v6_firsts;
};

const Edges& edges() {
  static const Edges table = [] {
    Edges out;
    for (const char* text :
         {"173.245.48.0/20",  "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",    "141.101.64.0/18",
          "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
          "162.158.0.0/15",   "104.16.0.0/13",   "104.24.0.0/14",   "172.64.0.0/13",    "131.0.72.0/22",
          "2400:cb00::/32",   "2606:4700::/32",  "2803:f800::/32",  "2405:b500::/32",   "2405:8100::/32",
          "2a06:98c0::/29",   "2c0f:f248::/32"}) {
      const util::Cidr range = *util::parse_cidr(text);
      out.ranges.push_back(range);
      if (!range.v6)
        out.v4_firsts.set(range.bytes[0]);
      else
        out.v6_firsts.push_back(unsigned{range.bytes[0]} << 8 | range.bytes[1]);
    }
    return out;
  }();
  return table;
}

unsigned hex_digit(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
  return 16;
}

} // namespace

bool is_cloudflare_edge(std::string_view address) {
  if (address.size() > 7 && (address.substr(0, 7) == "::ffff:" || address.substr(0, 7) == "::FFFF:") &&
      address.find('.') != std::string_view::npos)
    address.remove_prefix(7);
  // The first word of the address first: it names none of the ranges for most visitors, and reading
  // the address whole for each visit was 2% of a run (callgrind, 200,000 lines of gen-log).
  const Edges& table = edges();
  std::size_t i = 0;
  unsigned first = 0;
  while (i < address.size() && i < 4 && address[i] >= '0' && address[i] <= '9')
    first = first * 10 + static_cast<unsigned>(address[i++] - '0');
  if (i < address.size() && address[i] == '.') {
    if (first > 255 || !table.v4_firsts.test(first)) return false;
  } else {
    // Only a full first word of four hex digits can be in the ranges.
    if (address.size() < 5 || address[4] != ':') return false;
    unsigned word = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const unsigned digit = hex_digit(address[k]);
      if (digit > 15) return false;
      word = word << 4 | digit;
    }
    if (std::find(table.v6_firsts.begin(), table.v6_firsts.end(), word) == table.v6_firsts.end())
      return false;
  }
  return util::in_ranges(address, table.ranges);
}

} // namespace darkscan
