#pragma once

#include <darkscan/util/cidr.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace darkscan {

// The visitor key of a hit: its client address (the first public address of
// the X-Forwarded-For list when the log has one, as behind a proxy or CDN; with
// none, the client address and the list's first private one; ports left out)
// and its user agent, hashed together. Never 0.
std::uint64_t visitor_key(std::string_view client, std::string_view forwarded_for,
                          std::string_view user_agent);
// The same, given util::hash_bytes(user_agent): the classifier has hashed the agent already
// when it looked it up, and hashing a 120-byte agent twice a line was a third of visitor_key's cost.
std::uint64_t visitor_key_hashed(std::string_view client, std::string_view forwarded_for,
                                 std::uint64_t user_agent_hash);
// With the proxies the user trusts (--trusted-proxy, as nginx's set_real_ip_from with
// real_ip_recursive): X-Forwarded-For is believed only when the client address is one of them, and
// the visitor is its last address that is not (the first of the list when all are); otherwise the
// client address. Empty `trusted`: as above.
std::uint64_t visitor_key_hashed(std::string_view client, std::string_view forwarded_for,
                                 std::uint64_t user_agent_hash, const std::vector<util::Cidr>& trusted);

// True when the visitor's address, as the visitor key takes it (behind `trusted` proxies, or the first
// public X-Forwarded-For address, or the client's and the first private one it passed on), lies in
// one of `ranges` (--exclude-ip). An IPv4 address mapped in IPv6 ("::ffff:1.2.3.4") is the IPv4 one.
// No allocation.
bool visitor_in_ranges(std::string_view client, std::string_view forwarded_for,
                       const std::vector<util::Cidr>& trusted, const std::vector<util::Cidr>& ranges);

// True for the special-purpose addresses that do not name a visitor: loopback,
// private (RFC 1918, fc00::/7), link-local, carrier NAT (100.64/10), 0/8,
// 192.0.0/24, 198.18/15 (RFC 6890).
bool is_private_address(std::string_view address);

} // namespace darkscan
