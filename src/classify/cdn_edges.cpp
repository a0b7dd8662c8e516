#include <darkscan/classify/cdn_edges.hpp>
#include <darkscan/util/cidr.hpp>

#include <vector>

namespace darkscan {

namespace {

// Cloudflare's published ranges (www.cloudflare.com/ips-v4 and /ips-v6, the same since 2021, as
// developers.cloudflare.com's "Allow Cloudflare IP addresses" points to them), which nginx's
// set_real_ip_from and Apache's RemoteIPTrustedProxy are told to trust.
const std::vector<util::Cidr>& edges() {
  static const std::vector<util::Cidr> ranges = [] {
    std::vector<util::Cidr> out;
    for (const char* text :
         {"173.245.48.0/20",  "103.21.244.0/22", "103.22.200.0/22", "103.31.4.0/22",    "141.101.64.0/18",
          "108.162.192.0/18", "190.93.240.0/20", "188.114.96.0/20", "197.234.240.0/22", "198.41.128.0/17",
          "162.158.0.0/15",   "104.16.0.0/13",   "104.24.0.0/14",   "172.64.0.0/13",    "131.0.72.0/22",
          "2400:cb00::/32",   "2606:4700::/32",  "2803:f800::/32",  "2405:b500::/32",   "2405:8100::/32",
          "2a06:98c0::/29",   "2c0f:f248::/32"})
      out.push_back(*util::parse_cidr(text));
    return out;
  }();
  return ranges;
}

} // namespace

bool is_cloudflare_edge(std::string_view address) {
  if (address.size() > 7 && (address.substr(0, 7) == "::ffff:" || address.substr(0, 7) == "::FFFF:") &&
      address.find('.') != std::string_view::npos)
    address.remove_prefix(7);
  return util::in_ranges(address, edges());
}

} // namespace darkscan
