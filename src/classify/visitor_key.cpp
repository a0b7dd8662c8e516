// Who a hit's visitor is: the client address (the first public X-Forwarded-For entry behind a
// proxy; with none, the client address and the first private entry) and the user agent, hashed. Apart from
// the session table, which only keeps the keys.
#include <darkscan/classify/visitor_key.hpp>
#include <darkscan/util/hash.hpp>

namespace darkscan {

namespace {

std::string_view first_of_list(std::string_view list) {
  std::size_t comma = list.find(',');
  std::string_view first = list.substr(0, comma);
  while (!first.empty() && first.back() == ' ')
    first.remove_suffix(1);
  while (!first.empty() && first.front() == ' ')
    first.remove_prefix(1);
  return first;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The address of an X-Forwarded-For entry without its port: "197.210.5.5:51234" (Azure Application
// Gateway and some proxies add the client's port) and "[2001:db8::1]:443" (RFC 7239 form) are the
// addresses before them (a second analyst's review, 2026-12-06: each port made another visitor).
std::string_view without_port(std::string_view item) {
  if (!item.empty() && item.front() == '[') {
    const std::size_t close = item.find(']');
    return close == std::string_view::npos ? item : item.substr(1, close - 1);
  }
  const std::size_t colon = item.find(':');
  if (colon != std::string_view::npos && item.find(':', colon + 1) == std::string_view::npos &&
      item.substr(0, colon).find('.') != std::string_view::npos)
    return item.substr(0, colon); // one colon after a dotted address: IPv4 and a port
  return item;
}

// An IPv4 or IPv6 address, by its characters ("unknown" and junk are not).
bool looks_like_address(std::string_view s) {
  if (s.size() < 2 || s.size() > 45) return false;
  bool digit = false;
  for (char c : s) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':') return false;
    digit |= c >= '0' && c <= '9';
  }
  return digit;
}

// "::ffff:196.1.95.12", as a dual-stack server logs an IPv4 client, is that IPv4 address.
std::string_view unmapped(std::string_view address) {
  if (address.size() > 7 && address.find('.') != std::string_view::npos &&
      (starts_with(address, "::ffff:") || starts_with(address, "::FFFF:")))
    address.remove_prefix(7);
  return address;
}

// Whether `address` lies in `ranges`, an IPv4 address mapped in IPv6 as the IPv4 one (a second
// review, 2026-12-07: a balancer logged as ::ffff:10.0.0.4 was no --trusted-proxy 10.0.0.0/8).
bool in_trusted(std::string_view address, const std::vector<util::Cidr>& ranges) {
  return util::in_ranges(unmapped(address), ranges);
}

} // namespace

// The second number of a dotted IPv4 address that starts with `first` ("172."), or -1.
int second_octet(std::string_view a, std::string_view first) {
  if (!starts_with(a, first)) return -1;
  int second = 0;
  std::size_t i = first.size();
  while (i < a.size() && a[i] >= '0' && a[i] <= '9')
    second = second * 10 + (a[i++] - '0');
  return i > first.size() && i < a.size() && a[i] == '.' ? second : -1;
}

bool is_private_address(std::string_view a) {
  // RFC 6890's special-purpose ranges that a proxy or a client's own network puts in
  // X-Forwarded-For: this network, RFC 1918, loopback, link-local, shared (carrier NAT),
  // IETF protocol assignments, benchmarking; IPv6 loopback, unspecified, unique local, link-local.
  if (starts_with(a, "0.") || starts_with(a, "10.") || starts_with(a, "127.") || starts_with(a, "192.168.") ||
      starts_with(a, "169.254.") || starts_with(a, "192.0.0.") || a == "::1" || a == "::" ||
      starts_with(a, "fc") || starts_with(a, "fd") || starts_with(a, "FC") || starts_with(a, "FD") ||
      starts_with(a, "fe80:") || starts_with(a, "FE80:") || a == "unix:" || a == "localhost") {
    return true;
  }
  const int b172 = second_octet(a, "172."), b100 = second_octet(a, "100."), b198 = second_octet(a, "198.");
  return (b172 >= 16 && b172 <= 31) || (b100 >= 64 && b100 <= 127) || b198 == 18 || b198 == 19;
}

namespace {

// The first public address of an X-Forwarded-For list ("10.0.0.5, 203.0.113.7"): the entries a
// proxy or the client's own network added (private, loopback, carrier NAT) do not name the visitor
// alone, as two clients behind different proxies can both send "10.0.0.5". "" if none; then
// `first_private` gets the first address of the list, if any.
std::string_view first_public(std::string_view list, std::string_view& first_private) {
  first_private = {};
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = without_port(first_of_list(list.substr(0, comma)));
    if (looks_like_address(item)) {
      if (!is_private_address(item)) return item;
      if (first_private.empty()) first_private = item;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return {};
}

} // namespace

namespace {

// The visitor's address behind trusted proxies: the last address of `list` that is not one of
// them, or the first of the list when all are; "" when the list holds no address.
std::string_view last_untrusted(std::string_view list, const std::vector<util::Cidr>& trusted) {
  std::string_view first;
  while (!list.empty()) {
    const std::size_t comma = list.rfind(',');
    const std::string_view item =
        without_port(first_of_list(comma == std::string_view::npos ? list : list.substr(comma + 1)));
    if (looks_like_address(item)) {
      if (!in_trusted(item, trusted)) return item;
      first = item;
    }
    if (comma == std::string_view::npos) break;
    list = list.substr(0, comma);
  }
  return first;
}

} // namespace

std::uint64_t visitor_key_hashed(std::string_view client, std::string_view forwarded_for,
                                 std::uint64_t user_agent_hash, const std::vector<util::Cidr>& trusted) {
  if (trusted.empty()) return visitor_key_hashed(client, forwarded_for, user_agent_hash);
  // A client that is no proxy of the user's sends what it likes in X-Forwarded-For: one reader
  // sending another address on each request was five visitors (a review, 2026-12-07).
  std::string_view address = without_port(first_of_list(client));
  if (!forwarded_for.empty() && in_trusted(address, trusted)) {
    const std::string_view forwarded = last_untrusted(forwarded_for, trusted);
    if (!forwarded.empty()) address = forwarded;
  }
  const std::uint64_t a = util::hash_bytes(address);
  const std::uint64_t key = a ^ (user_agent_hash + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  return key == 0 ? 1 : key;
}

namespace {

bool in(std::string_view address, const std::vector<util::Cidr>& ranges) {
  return !address.empty() && util::in_ranges(unmapped(address), ranges);
}

} // namespace

bool visitor_in_ranges(std::string_view client, std::string_view forwarded_for,
                       const std::vector<util::Cidr>& trusted, const std::vector<util::Cidr>& ranges) {
  if (ranges.empty()) return false;
  // The address the visitor key is made of, as visitor_key_hashed() finds it: a load balancer or a
  // proxy hop is not the visitor (a review, 2026-12-07: --exclude-ip with the balancer's address,
  // which --show-ip showed, left out every line).
  std::string_view address = without_port(first_of_list(client));
  if (!trusted.empty()) {
    if (!forwarded_for.empty() && in_trusted(address, trusted)) {
      const std::string_view forwarded = last_untrusted(forwarded_for, trusted);
      if (!forwarded.empty()) address = forwarded;
    }
    return in(address, ranges);
  }
  std::string_view behind;
  if (!forwarded_for.empty()) {
    const std::string_view forwarded = first_public(forwarded_for, behind);
    if (!forwarded.empty()) return in(forwarded, ranges);
  }
  // No public address passed on: the proxy's, and the private one it passed on (an office's own
  // network behind its proxy, which --exclude-ip 10.1.0.0/16 names).
  return in(address, ranges) || in(behind, ranges);
}

std::uint64_t visitor_key(std::string_view client, std::string_view forwarded_for,
                          std::string_view user_agent) {
  return visitor_key_hashed(client, forwarded_for, util::hash_bytes(user_agent));
}

std::uint64_t visitor_key_hashed(std::string_view client, std::string_view forwarded_for,
                                 std::uint64_t user_agent_hash) {
  // Behind a proxy or CDN the client is the first public X-Forwarded-For address. With none, the
  // proxy's address and the first private one it passed on: the readers behind one proxy (Opera
  // Mini's servers, a carrier's gateway that forwards 100.64.0.0/10 addresses) are told apart, and
  // two proxies that both send 10.0.0.5 still name two visitors (a second analyst's review,
  // 2026-12-06: the proxy's address alone made them one).
  std::string_view address = first_of_list(client);
  std::string_view behind; // the first private address, when no public one was passed on
  if (!forwarded_for.empty()) {
    const std::string_view forwarded = first_public(forwarded_for, behind);
    if (!forwarded.empty()) {
      address = forwarded;
      behind = {};
    }
  }
  std::uint64_t a = util::hash_bytes(address);
  if (!behind.empty()) a = a * 0x9E3779B97F4A7C15ULL ^ util::hash_bytes(behind);
  const std::uint64_t u = user_agent_hash;
  const std::uint64_t key = a ^ (u + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  return key == 0 ? 1 : key;
}

} // namespace darkscan
