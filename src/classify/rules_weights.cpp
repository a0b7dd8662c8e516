#include <darkscan/classify/rule_file.hpp>
#include <darkscan/classify/rules_reading.hpp>
#include <darkscan/common/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace darkscan {

namespace fs = std::filesystem;

namespace {

// The keys of weights.rules, in Evidence order.
constexpr std::array<std::string_view, k_evidence_count> k_evidence_names = {
    "inapp_messaging",
    "tagged_private",
    "mail",
    "inapp_social_noref",
    "direct_deep_after_preview",
    "direct_deep_new",
    "direct_deep_returning",
    "direct_landing",
    "direct_deep_after_mixed_preview",
    "direct_deep_after_preview_late"};

// "0.8 0.6 0.9" (value, low, high) or "0.8" (exact), each from 0 to 1, kept to 4 decimals.
WeightRange parse_weight(const std::string& text, const std::string& origin) {
  double numbers[3];
  std::size_t count = 0;
  const char* p = text.c_str();
  while (*p != '\0') {
    if (*p == ' ' || *p == '\t') {
      ++p;
      continue;
    }
    if (count == 3)
      throw Error(message(N_("{}: expected 'value' or 'value low high', found '{}'"), origin, text));
    char* end = nullptr;
    const double value = std::strtod(p, &end);
    if (end == p || (*end != '\0' && *end != ' ' && *end != '\t') || !(value >= 0.0 && value <= 1.0)) {
      throw Error(message(N_("{}: weight '{}' is not a number from 0 to 1"), origin,
                          std::string(p, std::strcspn(p, " \t"))));
    }
    numbers[count++] = std::round(value * 1e4) / 1e4;
    p = end;
  }
  if (count == 2)
    throw Error(message(N_("{}: expected 'value' or 'value low high', found '{}'"), origin, text));
  if (count == 1) return {numbers[0], numbers[0], numbers[0]};
  if (!(numbers[1] <= numbers[0] && numbers[0] <= numbers[2])) {
    // The numbers as the file writes them (a dot), in any language: they quote it.
    throw Error(message(N_("{}: the range {} to {} does not hold the weight {} (low <= value <= high)"),
                        origin, numbers[1], numbers[2], numbers[0]));
  }
  return {numbers[0], numbers[1], numbers[2]};
}

// "unfitted KIND low high": where KIND's private part lay across sites (EstimateSettings::unfitted).
void parse_unfitted(const RuleLine& line, EstimateSettings& settings) {
  const std::string& text = line.columns[1];
  const std::size_t space = text.find_first_of(" \t");
  const std::string name = text.substr(0, space);
  const auto it = std::find(k_evidence_names.begin(), k_evidence_names.end(), name);
  if (it == k_evidence_names.end())
    throw Error(message(N_("{}: unknown evidence '{}' (see doc/RULES.md)"), line.origin, name));
  // Only the kinds the site model fits (doc/CLASSIFIER.md section 4): another's line would do nothing.
  static constexpr std::array<std::string_view, 5> k_fitted = {// not for translation: evidence names
                                                               "direct_deep_new", "direct_deep_returning",
                                                               "inapp_social_noref",
                                                               "direct_deep_after_mixed_preview", "mail"};
  if (std::find(k_fitted.begin(), k_fitted.end(), name) == k_fitted.end())
    throw Error(
        message(N_("{}: '{}' is not fitted by the site model: 'unfitted' is for direct_deep_new, "
                   "direct_deep_returning, inapp_social_noref, direct_deep_after_mixed_preview and mail"),
                line.origin, name));
  const std::string numbers = space == std::string::npos ? std::string() : text.substr(space + 1);
  double low = 0.0, high = 0.0;
  char* end = nullptr;
  low = std::strtod(numbers.c_str(), &end);
  const bool first = end != numbers.c_str();
  const char* rest = end;
  high = std::strtod(rest, &end);
  while (*end == ' ' || *end == '\t')
    ++end;
  if (!first || end == rest || *end != '\0' || !(low >= 0.0 && low <= high && high <= 1.0)) {
    throw Error(message(N_("{}: expected 'unfitted EVIDENCE low high', numbers from 0 to 1 and low <= high, "
                           "found '{}'"),
                        line.origin, text));
  }
  settings.unfitted[static_cast<std::size_t>(it - k_evidence_names.begin())] = {0.0, low, high};
}

// The settings of the estimate in weights.rules ("clicks_per_preview 3"); false for another key.
bool parse_setting(const RuleLine& line, EstimateSettings& settings) {
  const std::string& key = line.columns[0];
  const std::string& text = line.columns[1];
  if (key == "unfitted") {
    parse_unfitted(line, settings);
    return true;
  }
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const bool number = end != text.c_str() && *end == '\0';
  if (key == "clicks_per_preview") {
    if (!number || !(value > 0.0 && value <= 1e6))
      throw Error(message(N_("{}: clicks_per_preview '{}' is not a number above 0"), line.origin, text));
    settings.clicks_per_preview = value;
    return true;
  }
  if (key == "hub_min_targets") {
    if (!number || !(value >= 1.0 && value <= static_cast<double>(k_max_hub_targets)) ||
        value != std::floor(value)) {
      throw Error(message(N_("{}: hub_min_targets '{}' is not a whole number from 1 to {}"), line.origin,
                          text, k_max_hub_targets));
    }
    settings.hub_min_targets = static_cast<std::uint32_t>(value);
    return true;
  }
  if (key == "hub_min_follow") {
    if (!number || !(value >= 0.0 && value <= 1.0))
      throw Error(message(N_("{}: hub_min_follow '{}' is not a number from 0 to 1"), line.origin, text));
    settings.hub_min_follow = value;
    return true;
  }
  if (key == "mailing_min_arrivals") {
    if (!number || !(value >= 0.0 && value <= k_max_mailing_min) || value != std::floor(value))
      throw Error(message(N_("{}: mailing_min_arrivals '{}' is not a whole number from 0 to {}"), line.origin,
                          text, k_max_mailing_min));
    settings.mailing_min_arrivals = static_cast<std::uint32_t>(value);
    return true;
  }
  if (key == "hub_targets_vs_median") {
    if (!number || !(value >= 0.0 && value <= 1e6))
      throw Error(
          message(N_("{}: hub_targets_vs_median '{}' is not a number of 0 or more"), line.origin, text));
    settings.hub_targets_vs_median = value;
    return true;
  }
  if (key == "hub_min_views_per_visit") {
    if (!number || !(value >= 0.0 && value <= 1e6))
      throw Error(
          message(N_("{}: hub_min_views_per_visit '{}' is not a number of 0 or more"), line.origin, text));
    settings.hub_min_views_per_visit = value;
    return true;
  }
  return false;
}

} // namespace

std::string_view evidence_name(Evidence evidence) {
  return k_evidence_names[static_cast<std::size_t>(evidence)];
}

WeightRules read_weights_rules(const std::vector<std::string>& dirs) {
  WeightRules out;
  std::array<bool, k_evidence_count> have{};
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string path = (fs::path(dirs[d]) / "weights.rules").string();
    if (d > 0 && !fs::exists(path)) continue;
    std::vector<std::pair<std::string, std::string>> seen; // key (with the kind of "unfitted"), origin
    for (RuleLine& line : read_rule_file(path, 2)) {
      ++out.count;
      // A key twice in one file: the second silently won (a robustness review, 2026-12-06).
      const std::string key =
          line.columns[0] == "unfitted"
              ? line.columns[0] + " " + line.columns[1].substr(0, line.columns[1].find_first_of(" \t"))
              : line.columns[0];
      const auto twice =
          std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == key; });
      if (twice != seen.end())
        throw Error(
            message(N_("{}: '{}' is set twice in one file (first at {})"), line.origin, key, twice->second));
      seen.emplace_back(key, line.origin);
      if (parse_setting(line, out.settings)) continue;
      auto it = std::find(k_evidence_names.begin(), k_evidence_names.end(), line.columns[0]);
      if (it == k_evidence_names.end()) {
        throw Error(
            message(N_("{}: unknown evidence '{}' (see doc/RULES.md)"), line.origin, line.columns[0]));
      }
      const auto index = static_cast<std::size_t>(it - k_evidence_names.begin());
      out.weights[index] = parse_weight(line.columns[1], line.origin);
      out.rules[index] =
          Rule{"weight." + line.columns[0], "", "", line.columns[0] + " " + line.columns[1], line.origin, 0};
      have[index] = true;
      if (d > 0) out.settings.weight_given[index] = true;
    }
  }
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    if (!have[i]) {
      throw Error(message(N_("{}: no weight for '{}'"), (fs::path(dirs[0]) / "weights.rules").string(),
                          k_evidence_names[i]));
    }
  }
  return out;
}

} // namespace darkscan
