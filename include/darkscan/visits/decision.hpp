#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/visits/sessions.hpp>

#include <cstdint>
#include <string_view>

namespace darkscan {

// The decisions about an arrival that depend on what came before it: does a
// page view continue a visit, and what evidence has a referrer-less arrival on
// a deep page. The Analyzer makes them as it reads; a merge makes them again
// for a shard's pending arrivals with what the earlier shard left. Both call
// these functions, so the two can never disagree.

// What identifies a visit's arrival for reloads: the page, its query (the
// tags) and the referrer, hashed. Never 0.
std::uint32_t arrival_signature(std::string_view path, std::string_view query, std::string_view referer);

// What identifies a page: its path, hashed (the Analyzer hashes the page key instead when the query
// has a parameter kept in page keys: /?p=1 and /?p=2 are two pages). Never 0.
std::uint32_t page_signature(std::string_view path);

// Seconds after a page view within which a request from the same visitor that names that page as
// its referrer is one of its sub-resources (an image, a fragment loaded by script), however its
// path looks (/image/27142): browsers ask for them as the page loads; a reader does not click a
// link that fast.
inline constexpr std::int64_t k_subresource_seconds = 2;

// True if a page view of `page` (page_signature()) at `time` whose referrer is a page of the site is
// a sub-resource of the visitor's last page view: `referer_page()` gives the referrer's page as
// `page` is given, called only when the times tell nothing.
template <typename RefererPage>
bool is_subresource(const Sessions::Visitor& visitor, std::int64_t time, std::uint32_t page,
                    RefererPage&& referer_page) {
  if (!visitor.seen || page == visitor.last_page) return false;
  const std::int64_t gap = time - visitor.last_page_view;
  // The cheap tests first: most page views come more than 2 seconds after the last one.
  return gap >= 0 && gap <= k_subresource_seconds && referer_page() == visitor.last_page;
}

// Seconds within which one visitor's page views without referrer, of two different pages, are a
// machine's: mail security scanners open every link of a message within seconds of its delivery,
// from their own addresses with a browser's agent (SIGNALS.md 1.2: Safe Links, Proofpoint,
// Mimecast, Barracuda; "clicks within seconds of delivery, every link clicked"), and scrapers walk
// pages without referrer; a reader who taps a link, reads and goes back to tap the next takes
// longer. On bench/sim-fifth's b2b-newsletter, 39,360 of its 46,080 scanner hits are found so, and
// 2 readers' page views; on sim-alt's mobile-africa (carrier NAT, reduced Chrome agents), 4 of its
// 33,000 visits (labels joined with --hits; see doc/CLASSIFIER.md).
inline constexpr std::int64_t k_machine_seconds = 2;

// True if a page view of `page` at `time`, without referrer (one is logged), is a machine's: the
// visitor's last page view, also without referrer, was of another page at most k_machine_seconds
// before, or was a machine's as close (a reader behind the same carrier address and agent a minute
// later is not: a review found twelve such readers all taken for one machine).
bool machine_view(const Sessions::Visitor& visitor, std::int64_t time, std::uint32_t page);
// Records a machine's page view of `page` at `time` (machine_view()); true for its first: the page
// view before it, still held back (MachineFilter), is the machine's too (Verdict::machine_pair).
bool record_machine_view(Sessions::Visitor& visitor, std::int64_t time, std::uint32_t page);

// True if a page view of `page` (page_signature()), without referrer (one is logged) and without
// tag, that falls within `visitor`'s visit was not reached by a link of the site, and so starts a
// visit unless it repeats the arrival: the visit followed a link of the site (its links send a
// referrer), or the view is in a messenger's own browser (`messenger`: each link tapped in a chat
// opens it afresh) on a site whose links send one (`site_links`: Sessions::site_links). Never for the
// page just viewed (re-entered in the address bar).
bool unlinked_view(const Sessions::Visitor& visitor, std::uint32_t page, bool site_links, bool messenger);

// True if a page view at `time` continues `visitor`'s visit. A page view that
// would start a visit by itself (`forced`: it has an external referrer or a
// tag) continues it only when it repeats the visit's arrival, same page, same
// tags, same referrer (a reload, the back button, a page restored by the
// browser): reloading a shared link three times is one arrival, not three.
bool continues_visit(const Sessions::Visitor& visitor, std::int64_t time, std::uint32_t signature, bool forced);

// The evidence of a referrer-less arrival on a deep page: after a fetch of the
// page by a private or mixed channel's previewer (`preview`, within
// PreviewMemory::k_window; a private one soon after it or `since` more than
// PreviewMemory::k_soon seconds later), else by a returning or a new visitor.
Evidence deep_evidence(const Rule* preview, bool returning, std::int64_t since);

} // namespace darkscan
