#include <darkscan/record.hpp>
#include <darkscan/sessions.hpp>
#include <darkscan/util/hash.hpp>

#include <algorithm>

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
// proxy or the client's own network added (private, loopback, carrier NAT) say nothing of who
// the visitor is, and two clients behind different proxies can both send "10.0.0.5". "" if none.
std::string_view first_public(std::string_view list) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = first_of_list(list.substr(0, comma));
    if (looks_like_address(item) && !is_private_address(item)) return item;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return {};
}

} // namespace

std::uint64_t visitor_key(std::string_view client, std::string_view forwarded_for,
                          std::string_view user_agent) {
  // Behind a proxy or CDN the client is the first public X-Forwarded-For address.
  std::string_view address = first_of_list(client);
  if (!forwarded_for.empty()) {
    const std::string_view forwarded = first_public(forwarded_for);
    if (!forwarded.empty()) address = forwarded;
  }
  const std::uint64_t a = util::hash_bytes(address);
  const std::uint64_t u = util::hash_bytes(user_agent);
  const std::uint64_t key = a ^ (u + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
  return key == 0 ? 1 : key;
}

Sessions::Sessions() : m_slots(1024) {}

Sessions::Visitor& Sessions::visitor(std::uint64_t key, std::int64_t now) {
  if (key == 0) key = 1;
  if ((m_size + 1) * 4 > m_slots.size() * 3) make_room(now); // keep the load under 3/4
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 20) & mask;;
       i = (i + 1) & mask) {
    Visitor& v = m_slots[i];
    if (v.key == key) return v;
    if (v.key == 0) {
      v.key = key;
      ++m_size;
      return v;
    }
  }
}

bool Sessions::returning(const Visitor& v, std::int64_t time) const {
  if (v.seen) {
    if (time == Hit::k_no_time || !v.timed) return true;
    // To the filter's unit, so that a visitor's answer does not depend on whether it left the table.
    if (SeenVisitors::within(v.last_page_view, time, k_returning_window)) return true;
  }
  return time != Hit::k_no_time && m_seen.seen(v.key, time);
}

bool Sessions::returning(std::uint64_t key, std::int64_t time) const {
  if (key == 0) key = 1;
  if (const Visitor* v = find(key)) return returning(*v, time);
  return time != Hit::k_no_time && m_seen.seen(key, time);
}

const Sessions::Visitor* Sessions::find(std::uint64_t key) const {
  if (key == 0) key = 1;
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(key * 0x9E3779B97F4A7C15ULL >> 20) & mask;;
       i = (i + 1) & mask) {
    const Visitor& v = m_slots[i];
    if (v.key == key) return &v;
    if (v.key == 0) return nullptr;
  }
}

void Sessions::retire_idle(std::int64_t time) {
  if (time != Hit::k_no_time) rebuild(m_slots.size(), time - k_idle);
  m_seen.forget_expired();
}

void Sessions::merge(const Sessions& other) {
  other.for_each([&](const Visitor& o) {
    Visitor& v = visitor(o.key);
    if (!v.seen || (o.seen && o.last_page_view > v.last_page_view)) v = o;
  });
  m_seen.merge(other.m_seen);
}

// Idle visitors are retired when the table fills up, against the hit being read (or, without its
// time, the latest page view in the table); the table doubles only when fewer than a quarter of its
// visitors were idle.
void Sessions::make_room(std::int64_t now) {
  std::int64_t latest = now;
  if (latest == Hit::k_no_time) {
    for (const Visitor& v : m_slots)
      if (v.key != 0 && v.timed) latest = std::max(latest, v.last_page_view);
  }
  std::size_t idle = 0;
  const std::int64_t idle_before = latest == Hit::k_no_time ? Hit::k_no_time : latest - k_idle;
  for (const Visitor& v : m_slots)
    idle += v.key != 0 && v.timed && v.last_page_view < idle_before;
  rebuild(idle * 4 >= m_size ? m_slots.size() : m_slots.size() * 2, idle_before);
}

// The old slots are kept as the next rebuild's room: a table of the same size is rebuilt every few
// thousand new visitors, and fresh memory each time cost more in page faults than the rebuild.
void Sessions::rebuild(std::size_t slots, std::int64_t idle_before) {
  m_spare.assign(slots, Visitor{});
  m_spare.swap(m_slots);
  const std::vector<Visitor>& old = m_spare;
  m_size = 0;
  const std::size_t mask = m_slots.size() - 1;
  for (const Visitor& v : old) {
    if (v.key == 0) continue;
    if (v.timed && v.last_page_view < idle_before) {
      if (v.seen) m_retiring.push_back(v);
      continue;
    }
    std::size_t i = static_cast<std::size_t>(v.key * 0x9E3779B97F4A7C15ULL >> 20) & mask;
    while (m_slots[i].key != 0)
      i = (i + 1) & mask;
    m_slots[i] = v;
    ++m_size;
  }
  // Into the filter, its buckets asked for a few visitors ahead (each is a cache miss).
  constexpr std::size_t k_ahead = 8;
  for (std::size_t i = 0; i < m_retiring.size(); ++i) {
    if (i + k_ahead < m_retiring.size()) m_seen.prefetch(m_retiring[i + k_ahead].key);
    m_seen.insert(m_retiring[i].key, m_retiring[i].last_page_view);
  }
  m_retiring.clear();
}

} // namespace darkscan
