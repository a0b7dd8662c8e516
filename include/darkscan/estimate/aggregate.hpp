#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/verdict.hpp>
#include <darkscan/util/hash.hpp>
#include <darkscan/util/string_table.hpp>
#include <darkscan/visits/analyzer.hpp>
#include <darkscan/visits/preview_memory.hpp>
#include <darkscan/visits/sessions.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace darkscan {

// The evidence groups the report shows per page (JSON "evidence").
enum class EvidenceGroup : std::uint8_t { direct_deep, inapp_messaging, inapp_social, tagged_private, mail };
inline constexpr std::size_t k_evidence_group_count = 5;
std::string_view evidence_group_name(EvidenceGroup group);
// The group of a piece of evidence; false for evidence of no dark social (direct to a landing page).
bool evidence_group(Evidence evidence, EvidenceGroup& group);

// The channel arrivals with this evidence are counted in (direct to a landing page: direct; all
// others: dark_social).
Channel evidence_channel(Evidence evidence);

// Adds `target` to a page's distinct targets, up to PageStats::k_max_targets.
void add_target(std::vector<std::uint32_t>& targets, std::uint32_t target);

// Counts per app name (a few apps per page: a small vector beats a map).
// Names are views into the Rules, which outlive the aggregate.
using AppCounts = std::vector<std::pair<std::string_view, std::uint64_t>>;
void add_app(AppCounts& counts, std::string_view app, std::uint64_t n = 1);
// The counts by number (most first), then name: the order reports list them
// in, the same whatever order the apps were met in.
AppCounts ranked(AppCounts counts);

// What the report says about one page.
struct PageStats {
  std::uint64_t page_views = 0;
  std::uint64_t visits = 0;             // arrivals on the page
  std::uint64_t dark_social_visits = 0; // arrivals whose channel is dark_social
  std::uint64_t unknown = 0;            // arrivals whose referrer the log does not record
  EvidenceCounts evidence{};            // arrivals by evidence (weights are applied by reports)
  // Fetches by private (or mixed) channels' previewers: how many shares can explain
  // arrivals after a preview (estimate.hpp caps them).
  std::uint64_t evidence_previews = 0;
  // Page views whose internal referrer is this page, and the distinct pages they went to
  // (hashes of their keys, at most k_max_targets): a page that leads to many is a hub, a section
  // front, which people type and bookmark (estimate.hpp).
  std::uint64_t internal_out = 0;
  std::vector<std::uint32_t> targets;
  static constexpr std::size_t k_max_targets = k_max_hub_targets;
  AppCounts previews; // preview fetches by app
  AppCounts apps;     // dark-social arrivals by app

  void merge(const PageStats& other);
  // Arrivals per evidence group (JSON "evidence").
  std::array<std::uint64_t, k_evidence_group_count> groups() const;
  // The app with most previews plus dark-social arrivals ("" if none), leaving out the previews and
  // arrivals that `public_apps` (Rules::public_apps) says are no sign of a private share.
  std::string_view top_app(const PublicApps& public_apps = {}) const;
};

// Arrivals of one channel.
struct ChannelStats {
  std::uint64_t visits = 0;
};

// Counts over the whole input.
struct TrafficTotals {
  std::uint64_t bots = 0, previews = 0, assets = 0, page_views = 0, visits = 0;
  std::uint64_t dark_social_visits = 0; // arrivals whose channel is dark_social
  EvidenceCounts evidence{};            // arrivals by evidence
  std::array<ChannelStats, k_channel_count> channels{};
  AppCounts previews_by_app;

  void merge(const TrafficTotals& other);
  std::uint64_t unknown() const { return channels[static_cast<std::size_t>(Channel::unknown)].visits; }
};

// An arrival of a shard that history before the shard could decide otherwise
// (Verdict::open). It counts as a page view at once, and as an arrival once
// resolved against that history (Aggregate::resolve_pending).
struct PendingArrival {
  std::uint64_t visitor = 0;
  std::int64_t time = 0;
  std::string page; // page key
  std::string path; // previews are remembered by page key (Analyzer::keep_params): the same
  Channel channel = Channel::direct;
  std::optional<Evidence> evidence;
  std::string_view app;  // a view into the Rules or a State's names
  std::uint8_t open = 0; // k_open_* bits
  bool forced = false;   // Verdict::forced
  bool bare = false;     // Verdict::bare: starts a visit whose links sent a referrer (Visitor::linked)
  std::uint32_t page_signature = 0; // Verdict::page: unless it is the visit's last page
  std::uint32_t signature = 0;
  bool messenger = false;          // Verdict::messenger
  std::uint8_t internal_views = 0; // Verdict::internal_views
};

// What an earlier shard leaves for deciding a later shard's pending arrivals.
struct EarlierHistory {
  const Sessions& visitors;
  const PreviewMemory& previews;
  std::int64_t origin; // its first hit
  bool whole;          // nothing came before it
};

// The pages of an aggregate with visits, in key order (Aggregate::pages_with_visits): the order every
// sum over pages is made in, so that the same counts give the same bits whatever order they came in.
using PageList = std::vector<std::pair<std::string_view, const PageStats*>>;

// Per-page and overall counters, fed with verdicts. Memory grows with the
// number of distinct pages. merge() combines per-thread or per-shard parts.
class Aggregate final : public VerdictSink {
public:
  // `keep_params`: query parameters that stay in the page key
  // ("/search?q=x"), in the order the URL has them; all others are dropped.
  explicit Aggregate(std::vector<std::string> keep_params = {}) : m_keep_params(std::move(keep_params)) {}

  void add(const Hit& hit, const Verdict& verdict) override;
  void merge(const Aggregate& other);

  // Counts an arrival on page `key`.
  void count_arrival(std::string_view key, Channel channel, std::optional<Evidence> evidence,
                     std::string_view app);
  // The same on a page already looked up (a page view's own, in add()).
  void count_arrival(PageStats& page, Channel channel, std::optional<Evidence> evidence,
                     std::string_view app);

  // Decides the pending arrivals with what an earlier shard left (with the
  // Analyzer's own decision functions), and counts those that nothing before
  // that shard could change any more (all of them when `earlier` is nullptr:
  // no earlier history).
  void resolve_pending(const EarlierHistory* earlier);
  const std::vector<PendingArrival>& pending() const { return m_pending; }

  const TrafficTotals& totals() const { return m_totals; }

  using Pages = util::StringTable<PageStats>;
  const Pages& pages() const { return m_pages; }
  // The pages with arrivals, in key order: sums over them are the same to the last bit whatever
  // order the map holds them in.
  PageList pages_with_visits() const;
  const std::vector<std::string>& keep_params() const { return m_keep_params; }

  // For loading a saved state.
  PageStats& page(std::string_view key);
  TrafficTotals& mutable_totals() { return m_totals; }
  std::vector<PendingArrival>& mutable_pending() { return m_pending; }

private:
  // The page key of a hit: its path, plus the kept parameters.
  std::string_view page_key(const Hit& hit) { return page_key(hit.path, hit.query); }
  std::string_view page_key(std::string_view path, std::string_view query);
  // The same into the given buffers (the result views one of them).
  std::string_view make_key(std::string_view path, std::string_view query, std::string& path_buf,
                            std::string& key_buf) const;

  std::vector<std::string> m_keep_params;
  std::string m_key;  // reused buffer for page_key()
  std::string m_path; // reused buffer for the canonical path (util::normalise_path)
  std::string m_ref_key, m_ref_path; // the same for the key of an internal referrer
  Pages m_pages;
  TrafficTotals m_totals;
  std::vector<PendingArrival> m_pending;
};

} // namespace darkscan
