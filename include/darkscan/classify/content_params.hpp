#pragma once

#include <darkscan/classify/rules.hpp>
#include <darkscan/input/source.hpp>
#include <darkscan/parse/hit.hpp>
#include <darkscan/parse/log_format.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace darkscan {

// A query parameter that names content on a query-routed site ("/read?aid=123": each value an
// article), learned from page views, and the figures that decided it (shown in the run's note).
struct LearnedParam {
  std::string name;             // "aid"
  std::string path;             // the path where it decided most views: "/read"
  std::uint64_t views = 0;      // page views of that path carrying the parameter
  std::uint64_t values = 0;     // distinct values among them (at most k_max_values)
  std::uint64_t path_views = 0; // all page views of that path
};

// Learns content parameters from page views (successful GET/HEAD, not an asset; those that carry
// a parameter from no bot or preview agent either). A parameter is content on a path when, among
// the path's page views in the sample:
// - at least k_min_views carry it, and at least k_min_share of the path's views do: a parameter that
//   routes content is on most requests of its script ("/read", "/index.php"), or on a large part of
//   those of "/" (plain WordPress permalinks), where an affiliate "?ref=" or a reply link is rare;
// - it takes at least k_min_values distinct values: a language or a cache-buster takes a few;
// - each value comes back, k_min_views_per_value views per value on average: an article is read by
//   many, while search terms and click ids are nearly all different.
// Parameters already kept (content.rules, --keep-param), tags and click ids (params.rules) and the
// names content.rules marks "never" ("!s", "!page") are not learned. Memory: one entry per (path,
// parameter) seen and at most k_max_values values each; meant for a sample (learn_content_params).
class ContentParamLearner {
public:
  static constexpr std::uint64_t k_min_views = 20;
  static constexpr double k_min_share = 0.25;
  static constexpr std::uint64_t k_min_values = 5;
  static constexpr double k_min_views_per_value = 2.0;
  static constexpr std::size_t k_max_values = 4096;
  static constexpr std::size_t k_max_params_per_view = 32, k_max_names_per_path = 64;

  // `known`: names already in page keys. `rules` must outlive the learner.
  ContentParamLearner(const Rules& rules, std::vector<std::string> known);

  // One parsed line.
  void add(const Hit& hit);

  // The parameters learned, by name, each with the path that decided it.
  std::vector<LearnedParam> learned() const;

private:
  struct ParamStats {
    std::uint64_t views = 0;
    std::unordered_set<std::string> values;
  };
  bool page_view(const Hit& hit) const; // by request, status and path
  bool robot(const Hit& hit);           // by agent (cached)
  bool ignored(std::string_view name, std::string_view pair) const;

  const Rules& m_rules;
  std::vector<std::string> m_known;
  std::string m_scratch, m_agent, m_name;                 // the keys being looked up, reused
  std::unordered_map<std::string, bool> m_agent_is_robot; // cache per distinct agent
  std::unordered_map<std::string, std::uint64_t> m_path_views;
  std::unordered_map<std::string, std::unordered_map<std::string, ParamStats>> m_params; // path -> name
};

// Content parameters learned from the first `lines` lines of `files` taken in order, parsed with
// `format` or the preset detected on each input (the first 8 inputs at most: each stays open until
// scanned). Each input learned from is opened once, here,
// and left in `opened` (one slot per file, null for the others) with the bytes read ahead (at
// most 8 MiB in all) to be given again: the scan reads it whole, from the same open file, even
// when logrotate renames it meanwhile, and standard input and pipes too (replay_source.hpp).
// Inputs that cannot be opened or parsed are skipped here: the scan reports them.
std::vector<LearnedParam> learn_content_params(const std::vector<std::string>& files,
                                               const std::optional<LogFormat>& format, const Rules& rules,
                                               const std::vector<std::string>& known, std::size_t lines,
                                               std::vector<std::unique_ptr<Source>>& opened);

} // namespace darkscan
