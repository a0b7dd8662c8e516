#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace darkscan {

// Page-view history per visitor, to tell arrivals from internal navigation.
// A visitor is (client address, user agent), kept as a 64-bit hash in a flat
// open-addressing table (24 bytes a visitor, no allocation per visitor), so
// memory grows with the number of visitors, not with lines.
class Sessions {
public:
  static constexpr std::int64_t k_visit_gap = 30 * 60; // seconds without a page view that end a visit

  struct Visitor {
    std::uint64_t key = 0; // 0: empty slot
    std::int64_t last_page_view = 0;
    bool seen = false; // had a page view earlier in the input
  };

  Sessions();

  // The visitor record for this key, created empty on first sight. The
  // reference is valid until the next call.
  Visitor& visitor(std::uint64_t key);

  // True if a page view at `time` continues the visitor's current visit
  // (a page view within k_visit_gap; times may step back a little).
  static bool continues(const Visitor& v, std::int64_t time) {
    if (!v.seen) return false;
    const std::int64_t gap = time - v.last_page_view;
    return gap <= k_visit_gap && gap >= -k_visit_gap;
  }

  std::size_t size() const { return m_size; }

private:
  void grow();

  std::vector<Visitor> m_slots;
  std::size_t m_size = 0;
};

// The visitor key of a hit: its client address (the first address of the
// X-Forwarded-For list when the log has one, as behind a proxy or CDN) and its
// user agent, hashed together. Never 0.
std::uint64_t visitor_key(std::string_view client, std::string_view forwarded_for,
                          std::string_view user_agent);

// True for loopback, private (RFC 1918, fc00::/7) and link-local addresses.
bool is_private_address(std::string_view address);

} // namespace darkscan
