#pragma once

#include <darkscan/classify/evidence.hpp>
#include <darkscan/classify/rules.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace darkscan {

// What a hit is.
// `invalid`: not an HTTP request (a TLS handshake on port 80, "-"), counted once, as
// summary.invalid_requests, never as an asset.
enum class HitClass : std::uint8_t { page_view, asset, preview, bot, invalid };
// Where an arrival came from. `unknown`: the line does not log the referrer
// (Common Log Format) and nothing else on it (a tag, an in-app browser) says.
enum class Channel : std::uint8_t { dark_social, direct, search, social, campaign, referral, internal, unknown };
inline constexpr std::size_t k_channel_count = 8;

std::string_view class_name(HitClass cls);
std::string_view channel_name(Channel channel);

// Parts of an arrival's decision that history before a shard's first hit
// could change (Verdict::open): the visit may continue one from that history,
// the visitor may be returning, a preview from it may explain the arrival.
inline constexpr std::uint8_t k_open_session = 1, k_open_returning = 2, k_open_preview = 4;

// The classifier's answer for one hit, with the evidence. Strings are views
// into the Rules (stable for the run) or static text: nothing is allocated.
struct Verdict {
  static constexpr std::size_t k_max_reasons = 4;

  HitClass cls = HitClass::page_view;
  bool visit_start = false;         // page views only: the first of a visit (an arrival)
  bool returning = false;           // the visitor was seen earlier in the input
  bool asset_path = false;          // the path is a static file (assets.rules), whatever the class
  bool shared_page = false;         // previews: of a page (not a static file), neither redirected nor 404/410
  std::optional<Channel> channel;   // arrivals only
  std::optional<Evidence> evidence; // arrivals whose channel is dark_social or direct
  double weight = 0.0;              // dark-social weight of an arrival, 0..1
  std::string_view app;             // "whatsapp", "messenger"... empty for none
  std::uint64_t visitor = 0;        // page views: visitor key (a hash of address and user agent)
  std::uint8_t open = 0;            // arrivals of a shard: k_open_* bits (Analyzer::defer_history)
  bool forced = false;              // arrivals: an external referrer or a tag started the visit
  bool bare = false;                // arrivals: no referrer (one was logged) and no tag
  bool messenger = false;           // arrivals: in a messenger's own browser (agents or xrw kind messaging)
  std::uint8_t internal_views = 0;  // arrivals: Sessions::internal_views when decided (the merge seam adds
                                    // the earlier shard's to know Sessions::site_links as one run would)
  std::uint32_t page = 0;           // arrivals: the page's signature (Analyzer::page_of, Visitor::last_page)
  bool internal_referrer = false;   // page views: the referrer is a page of the site
  bool pairable = false;            // page views: without referrer (one is logged), timed, on a site whose
                                    // links send one: the next page view may make it a machine's
                                    // (machine_view()), so MachineFilter holds it back
  bool machine_pair = false;        // bots (visitor.machine): the visitor's page view before this one is a
                                    // machine's too (MachineFilter holds it and makes it one)
  std::uint32_t signature = 0;      // arrivals: arrival_signature() (a reload continues the visit)
  // Arrivals after a preview: the fetch they follow (--explain); preview_line 0 when not known.
  std::string_view preview_file;
  std::uint64_t preview_line = 0;
  std::int64_t preview_time = 0;
  std::array<std::string_view, k_max_reasons> reasons{}; // rule ids, e.g. "ua.inapp.messenger"
  std::array<const Rule*, k_max_reasons> rules{};        // the rule behind each reason, if any
  std::size_t reason_count = 0;

  void add_reason(std::string_view id, const Rule* rule = nullptr) {
    if (reason_count < k_max_reasons) {
      reasons[reason_count] = id;
      rules[reason_count] = rule;
      ++reason_count;
    }
  }
};

} // namespace darkscan
