#pragma once

#include <darkscan/analyzer.hpp>
#include <darkscan/util/hash.hpp>
#include <darkscan/verdict.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace darkscan {

// The evidence groups the report counts per page.
enum class EvidenceGroup : std::uint8_t { direct_deep, inapp_messaging, inapp_social, tagged_private, mail };
inline constexpr std::size_t k_evidence_group_count = 5;
std::string_view evidence_group_name(EvidenceGroup group);
// The group of a piece of evidence; false for evidence of no dark social (direct to a landing page).
bool evidence_group(Evidence evidence, EvidenceGroup& group);

// Counts per app name (a few apps per page: a small vector beats a map).
// Names are views into the Rules, which outlive the aggregate.
using AppCounts = std::vector<std::pair<std::string_view, std::uint64_t>>;
void add_app(AppCounts& counts, std::string_view app, std::uint64_t n = 1);

// What the report says about one page.
struct PageStats {
  std::uint64_t page_views = 0;
  std::uint64_t visits = 0;             // arrivals on the page
  double dark_social = 0.0;             // sum of the arrivals' dark-social weights
  std::uint64_t dark_social_visits = 0; // arrivals whose channel is dark_social
  std::array<std::uint64_t, k_evidence_group_count> evidence{};
  AppCounts previews; // preview fetches by app
  AppCounts apps;     // dark-social arrivals by app

  void merge(const PageStats& other);
  // The app with most previews plus dark-social arrivals ("" if none).
  std::string_view top_app() const;
};

// Visits and dark-social weight of one channel.
struct ChannelStats {
  std::uint64_t visits = 0;
  double dark_social = 0.0;
};

// Counts over the whole input.
struct TrafficTotals {
  std::uint64_t bots = 0, previews = 0, assets = 0, page_views = 0, visits = 0;
  std::uint64_t dark_social_visits = 0; // arrivals whose channel is dark_social
  double dark_social = 0.0;             // sum of weights
  std::array<ChannelStats, k_channel_count> channels{};
  AppCounts previews_by_app;

  void merge(const TrafficTotals& other);
};

// Per-page and overall counters, fed with verdicts. Memory grows with the
// number of distinct pages. merge() combines per-thread or per-shard parts.
class Aggregate final : public VerdictSink {
public:
  // `keep_params`: query parameters that stay in the page key
  // ("/search?q=x"), in the order the URL has them; all others are dropped.
  explicit Aggregate(std::vector<std::string> keep_params = {}) : m_keep_params(std::move(keep_params)) {}

  void add(const Hit& hit, const Verdict& verdict) override;
  void merge(const Aggregate& other);

  const TrafficTotals& totals() const { return m_totals; }

  using Pages = std::unordered_map<std::string, PageStats, util::StringHash, std::equal_to<>>;
  const Pages& pages() const { return m_pages; }

private:
  PageStats& page(std::string_view path);
  // The page key of a hit: its path, plus the kept parameters.
  std::string_view page_key(const Hit& hit);

  std::vector<std::string> m_keep_params;
  std::string m_key; // reused buffer for page_key()
  Pages m_pages;
  TrafficTotals m_totals;
};

} // namespace darkscan
