#pragma once

#include <string_view>

namespace darkscan {

// True when `address` (as a line logs its client, without its port; "::ffff:"-mapped IPv4 too) is
// one of Cloudflare's edge servers: a server behind Cloudflare that logs the connection's address
// logs Cloudflare, not the visitor, and a handful of edge addresses then stand for all readers (a
// first-time user's review, 2026-12-07: 4 edge addresses for a day of 400 visits; darkscan advised
// --exclude-ip, which would have left out 78% of them). No allocation.
bool is_cloudflare_edge(std::string_view address);

} // namespace darkscan
