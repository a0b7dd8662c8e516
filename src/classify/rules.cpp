#include <darkscan/classify/rule_family.hpp>
#include <darkscan/classify/rule_file.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/util/text.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace darkscan {

namespace {

constexpr std::array<std::string_view, k_evidence_count> k_evidence_names = {
    "inapp_messaging",
    "tagged_private",
    "mail",
    "inapp_social_noref",
    "direct_deep_after_preview",
    "direct_deep_new",
    "direct_deep_returning",
    "direct_landing",
    "direct_deep_after_mixed_preview"};

// The words of agents.rules' kind column, in AgentKind order.
constexpr std::array<std::string_view, 9> agent_kinds = {
    // not for translation: words of the rules files
    "browser", "preview", "messaging", "social", "app", "bot", "preview-public", "preview-mixed", "mail"};

} // namespace

std::string_view agent_kind_name(AgentKind kind) { return agent_kinds[static_cast<std::size_t>(kind)]; }

Evidence after_preview_evidence(const Rule& preview) {
  return static_cast<AgentKind>(preview.kind) == AgentKind::preview_mixed
             ? Evidence::direct_deep_after_mixed_preview
             : Evidence::direct_deep_after_preview;
}

namespace {

// An app name: "-" for none, else a short name of a-z, 0-9, '.', '_', '-'
// (it becomes a JSON key, a TSV cell and a table column).
std::string app_name(const std::string& word, const std::string& origin) {
  if (word == "-") return "";
  const bool ok =
      word.size() <= 32 && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  if (!ok) {
    throw Error(message(N_("{}: bad app name '{}' (use a-z, 0-9, '.', '_', '-', at most 32 characters; or "
                           "'-')"),
                        origin, word));
  }
  return word;
}

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

template <std::size_t N>
std::uint8_t parse_kind(const std::string& word, const std::array<std::string_view, N>& names,
                        const std::string& origin, std::string_view file) {
  for (std::size_t i = 0; i < N; ++i)
    if (word == names[i]) return static_cast<std::uint8_t>(i);
  std::string list;
  for (auto name : names)
    list += (list.empty() ? "" : ", ") + std::string(name);
  throw Error(message(N_("{}: unknown kind '{}' in {} (expected one of: {})"), origin, word, file, list));
}

namespace fs = std::filesystem;

// Rules of one file across directories: later directories replace rules by id
// and put new ones first.
std::vector<Rule> merge_dirs(const std::vector<std::string>& dirs, const std::string& file,
                             const std::function<std::vector<Rule>(const std::string&)>& load_one) {
  std::vector<Rule> merged;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string path = (fs::path(dirs[d]) / file).string();
    if (d > 0 && !fs::exists(path)) continue;
    std::vector<Rule> rules = load_one(path);
    std::unordered_set<std::string> seen;
    for (const Rule& r : rules) {
      if (!seen.insert(r.id).second) throw Error(message(N_("{}: duplicate id '{}'"), r.origin, r.id));
    }
    if (d == 0) {
      merged = std::move(rules);
      continue;
    }
    std::vector<Rule> added;
    for (Rule& r : rules) {
      auto it = std::find_if(merged.begin(), merged.end(), [&](const Rule& m) { return m.id == r.id; });
      if (it != merged.end())
        *it = std::move(r);
      else
        added.push_back(std::move(r));
    }
    merged.insert(merged.begin(), std::make_move_iterator(added.begin()),
                  std::make_move_iterator(added.end()));
  }
  return merged;
}

// id kind app pattern
std::vector<Rule>
load_kind_rules(const std::string& path,
                const std::function<std::uint8_t(const std::string&, const std::string&)>& kind) {
  std::vector<Rule> rules;
  for (RuleLine& line : read_rule_file(path, 4)) {
    Rule r;
    r.origin = line.origin;
    r.id = line.columns[0];
    if (!valid_id(r.id))
      throw Error(message(N_("{}: bad id '{}' (use a-z, 0-9, '.', '_', '-')"), r.origin, r.id));
    r.kind = kind(line.columns[1], r.origin);
    r.app = app_name(line.columns[2], r.origin);
    r.pattern = line.columns[3];
    check_pattern(r.pattern, r.origin);
    rules.push_back(std::move(r));
  }
  return rules;
}

} // namespace

namespace {

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

// The settings of the estimate in weights.rules ("clicks_per_preview 3"); false for another key.
bool parse_setting(const RuleLine& line, EstimateSettings& settings) {
  const std::string& key = line.columns[0];
  const std::string& text = line.columns[1];
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
  return false;
}

} // namespace

std::string_view evidence_name(Evidence evidence) {
  return k_evidence_names[static_cast<std::size_t>(evidence)];
}

Rules::Rules() = default;
Rules::~Rules() = default;
Rules::Rules(Rules&&) noexcept = default;
Rules& Rules::operator=(Rules&&) noexcept = default;

Rules Rules::load(const std::vector<std::string>& dirs) {
  try {
    return load_dirs(dirs);
  } catch (const fs::filesystem_error& e) {
    throw Error(
        message(N_("cannot read rules '{}': {}"), e.path1().string(), system_message(e.code().value())));
  }
}

Rules Rules::load_dirs(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw Error(translated(N_("rules: no rules directory")));
  for (const std::string& dir : dirs) {
    if (!fs::is_directory(dir))
      throw Error(message(N_("cannot read rules directory '{}': not a directory"), dir));
  }
  Rules out;

  // agents.rules: previews first, then in-app kinds, then bots (doc/RULES.md).
  auto agent_kind = [](const std::string& word, const std::string& origin) {
    if (word == "browser") throw Error(message(N_("{}: kind 'browser' is what no rule means"), origin));
    return parse_kind(word, agent_kinds, origin, "agents.rules");
  };
  std::vector<Rule> agents =
      merge_dirs(dirs, "agents.rules", [&](const std::string& p) { return load_kind_rules(p, agent_kind); });
  auto priority = [](std::uint8_t kind) {
    switch (static_cast<AgentKind>(kind)) {
    case AgentKind::preview:
    case AgentKind::preview_public:
    case AgentKind::preview_mixed: return 0;
    case AgentKind::bot: return 2;
    default: return 1;
    }
  };
  std::stable_sort(agents.begin(), agents.end(),
                   [&](const Rule& a, const Rule& b) { return priority(a.kind) < priority(b.kind); });
  out.m_counts.emplace_back("agents.rules", agents.size());
  out.m_agents = std::make_unique<RuleFamily>(std::move(agents), RE2::UNANCHORED, true);

  static constexpr std::array<std::string_view, 5> referrer_kinds = {"other", "mail", "messaging", "social",
                                                                     "search"};
  auto referrer_kind = [](const std::string& word, const std::string& origin) {
    return parse_kind(word, referrer_kinds, origin, "referrers.rules");
  };
  std::vector<Rule> referrers = merge_dirs(
      dirs, "referrers.rules", [&](const std::string& p) { return load_kind_rules(p, referrer_kind); });
  out.m_counts.emplace_back("referrers.rules", referrers.size());
  out.m_referrers = std::make_unique<RuleFamily>(std::move(referrers), RE2::UNANCHORED);

  static constexpr std::array<std::string_view, 5> package_kinds = {"browser", "messaging", "social", "mail",
                                                                    "app"};
  auto package_kind = [](const std::string& word, const std::string& origin) {
    return parse_kind(word, package_kinds, origin, "xrw.rules");
  };
  std::vector<Rule> packages =
      merge_dirs(dirs, "xrw.rules", [&](const std::string& p) { return load_kind_rules(p, package_kind); });
  out.m_counts.emplace_back("xrw.rules", packages.size());
  out.m_packages = std::make_unique<RuleFamily>(std::move(packages), RE2::UNANCHORED);

  // params.rules: id channel app parameter value-pattern
  static constexpr std::array<std::string_view, 4> tag_kinds = {"none", "dark_social", "social", "campaign"};
  out.m_params = merge_dirs(dirs, "params.rules", [&](const std::string& p) {
    std::vector<Rule> rules;
    for (RuleLine& line : read_rule_file(p, 5)) {
      Rule r;
      r.origin = line.origin;
      r.id = line.columns[0];
      if (!valid_id(r.id)) throw Error(message(N_("{}: bad id '{}'"), r.origin, r.id));
      if (line.columns[1] == "none")
        throw Error(message(N_("{}: channel 'none' is not a channel"), r.origin));
      r.kind = parse_kind(line.columns[1], tag_kinds, r.origin, "params.rules");
      r.app = app_name(line.columns[2], r.origin);
      r.param = line.columns[3];
      std::transform(r.param.begin(), r.param.end(), r.param.begin(), util::ascii_lower);
      r.pattern = line.columns[4];
      if (r.pattern != "*") check_pattern(r.pattern, r.origin);
      rules.push_back(std::move(r));
    }
    return rules;
  });
  for (const Rule& r : out.m_params) {
    out.m_param_patterns.push_back(r.pattern == "*" ? nullptr
                                                    : std::make_unique<RE2>(r.pattern, pattern_options()));
    if (std::find(out.m_param_names.begin(), out.m_param_names.end(), r.param) == out.m_param_names.end()) {
      out.m_param_names.push_back(r.param);
    }
  }
  out.m_counts.emplace_back("params.rules", out.m_params.size());

  // landing.rules: one pattern per line, matched against the whole path.
  auto pattern_lines = [](const std::string& p, const std::string& prefix) {
    std::vector<Rule> rules;
    for (RuleLine& line : read_rule_file(p, 1)) {
      Rule r;
      r.origin = line.origin;
      r.pattern = line.columns[0];
      r.id = prefix + r.origin; // unique per line; landing rules have no ids of their own
      check_pattern(r.pattern, r.origin);
      rules.push_back(std::move(r));
    }
    return rules;
  };
  std::vector<Rule> landing =
      merge_dirs(dirs, "landing.rules", [&](const std::string& p) { return pattern_lines(p, "landing:"); });
  out.m_counts.emplace_back("landing.rules", landing.size());
  for (const std::string& dir : dirs) {
    const std::string path = (fs::path(dir) / "landing.rules").string();
    if (fs::exists(path)) out.m_landing_files += (out.m_landing_files.empty() ? "" : ", ") + path;
  }
  out.m_landing = std::make_unique<RuleFamily>(std::move(landing), RE2::ANCHOR_BOTH);

  // assets.rules: "ext css js ..." and "path PATTERN" lines; all directories add up.
  std::vector<Rule> asset_paths;
  std::size_t asset_rules = 0;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string path = (fs::path(dirs[d]) / "assets.rules").string();
    if (d > 0 && !fs::exists(path)) continue;
    for (RuleLine& line : read_rule_file(path, 2)) {
      ++asset_rules;
      if (line.columns[0] == "ext") {
        std::string_view rest = line.columns[1];
        std::size_t pos = 0;
        while (pos < rest.size()) {
          while (pos < rest.size() && (rest[pos] == ' ' || rest[pos] == '\t'))
            ++pos;
          std::size_t start = pos;
          while (pos < rest.size() && rest[pos] != ' ' && rest[pos] != '\t')
            ++pos;
          if (pos > start) {
            std::string ext(rest.substr(start, pos - start));
            if (ext[0] == '.') ext.erase(0, 1);
            std::transform(ext.begin(), ext.end(), ext.begin(), util::ascii_lower);
            out.m_asset_extensions.push_back(ext);
          }
        }
      } else if (line.columns[0] == "path") {
        Rule r;
        r.origin = line.origin;
        r.pattern = line.columns[1];
        r.id = "asset:" + r.origin;
        check_pattern(r.pattern, r.origin);
        asset_paths.push_back(std::move(r));
      } else {
        throw Error(message(N_("{}: expected 'ext' or 'path', found '{}'"), line.origin, line.columns[0]));
      }
    }
  }
  std::sort(out.m_asset_extensions.begin(), out.m_asset_extensions.end());
  out.m_asset_extensions.erase(std::unique(out.m_asset_extensions.begin(), out.m_asset_extensions.end()),
                               out.m_asset_extensions.end());
  out.m_counts.emplace_back("assets.rules", asset_rules);
  out.m_asset_paths = std::make_unique<RuleFamily>(std::move(asset_paths), RE2::UNANCHORED);

  // content.rules: one query parameter name per line (optional in every directory).
  std::size_t content_rules = 0;
  for (const std::string& dir : dirs) {
    const std::string path = (fs::path(dir) / "content.rules").string();
    if (!fs::exists(path)) continue;
    for (RuleLine& line : read_rule_file(path, 1)) {
      ++content_rules;
      const bool never = line.columns[0].front() == '!'; // "!s": never learned
      const std::string name = never ? line.columns[0].substr(1) : line.columns[0];
      if (name.empty() || name.find_first_of("=&?#!") != std::string::npos)
        throw Error(message(N_("{}: '{}' is not a parameter name"), line.origin, line.columns[0]));
      std::vector<std::string>& list = never ? out.m_never_content_params : out.m_content_params;
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
  }
  out.m_counts.emplace_back("content.rules", content_rules);

  // weights.rules: "key value low high" (or "key value": the value is taken as exact); every key
  // needed, 0 <= low <= value <= high <= 1.
  std::array<bool, k_evidence_count> have{};
  std::size_t weight_rules = 0;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    const std::string path = (fs::path(dirs[d]) / "weights.rules").string();
    if (d > 0 && !fs::exists(path)) continue;
    for (RuleLine& line : read_rule_file(path, 2)) {
      ++weight_rules;
      if (parse_setting(line, out.m_settings)) continue;
      auto it = std::find(k_evidence_names.begin(), k_evidence_names.end(), line.columns[0]);
      if (it == k_evidence_names.end()) {
        throw Error(
            message(N_("{}: unknown evidence '{}' (see doc/RULES.md)"), line.origin, line.columns[0]));
      }
      const auto index = static_cast<std::size_t>(it - k_evidence_names.begin());
      out.m_weights[index] = parse_weight(line.columns[1], line.origin);
      out.m_weight_rules[index] =
          Rule{"weight." + line.columns[0], "", "", line.columns[0] + " " + line.columns[1], line.origin, 0};
      have[index] = true;
      if (d > 0) out.m_settings.weight_given[index] = true;
    }
  }
  for (std::size_t i = 0; i < k_evidence_count; ++i) {
    if (!have[i]) {
      throw Error(message(N_("{}: no weight for '{}'"), (fs::path(dirs[0]) / "weights.rules").string(),
                          k_evidence_names[i]));
    }
  }
  out.m_counts.emplace_back("weights.rules", weight_rules);
  return out;
}

std::string Rules::default_dir() {
  auto usable = [](const fs::path& dir) { return fs::exists(dir / "agents.rules"); };
  if (const char* env = std::getenv("DARKSCAN_RULES_DIR"); env && *env) {
    if (!usable(env)) throw Error(message(N_("DARKSCAN_RULES_DIR='{}' holds no agents.rules"), env));
    return env;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = exe.parent_path();
    for (const fs::path& candidate :
         {bin / ".." / "share" / "darkscan" / "rules", bin / "rules", bin / ".." / "rules"}) {
      if (usable(candidate)) return fs::weakly_canonical(candidate).string();
    }
  }
#ifdef DARKSCAN_INSTALL_RULES_DIR
  if (usable(DARKSCAN_INSTALL_RULES_DIR)) return DARKSCAN_INSTALL_RULES_DIR;
#endif
#ifdef DARKSCAN_SOURCE_RULES_DIR
  if (usable(DARKSCAN_SOURCE_RULES_DIR)) return DARKSCAN_SOURCE_RULES_DIR;
#endif
  throw Error(translated(N_("cannot find darkscan's rules directory (looked next to the binary and in "
                            "share/darkscan/rules); set DARKSCAN_RULES_DIR or give --rules DIR")));
}

const Rule* Rules::match_agent(std::string_view user_agent) const { return m_agents->match(user_agent); }
const Rule* Rules::match_referrer(std::string_view host) const { return m_referrers->match(host); }
const Rule* Rules::match_package(std::string_view package) const { return m_packages->match(package); }

const Rule* Rules::match_query(std::string_view query) const {
  if (query.empty() || m_params.empty()) return nullptr;
  // The query's parameters that some rule names (at most 32 looked at).
  struct Param {
    std::string_view name, value;
  };
  std::array<Param, 32> params;
  std::size_t count = 0;
  while (!query.empty() && count < params.size()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    for (const std::string& known : m_param_names) {
      if (util::iequals(name, known)) {
        params[count++] = {name, value};
        break;
      }
    }
  }
  if (count == 0) return nullptr;
  for (std::size_t i = 0; i < m_params.size(); ++i) {
    const Rule& rule = m_params[i];
    for (std::size_t k = 0; k < count; ++k) {
      if (!util::iequals(params[k].name, rule.param)) continue;
      const RE2* re = m_param_patterns[i].get();
      if (!re || RE2::PartialMatch(params[k].value, *re)) return &rule;
    }
  }
  return nullptr;
}

bool Rules::is_tag_param(std::string_view name) const {
  return std::any_of(m_param_names.begin(), m_param_names.end(),
                     [&](const std::string& known) { return util::iequals(name, known); });
}

void Rules::add_content_params(const std::vector<std::string>& names) {
  for (const std::string& name : names)
    if (std::find(m_content_params.begin(), m_content_params.end(), name) == m_content_params.end())
      m_content_params.push_back(name);
}

bool Rules::is_landing(std::string_view path) const { return m_landing->any(path); }
const Rule* Rules::match_landing(std::string_view path) const { return m_landing->match(path); }

bool Rules::is_asset(std::string_view path) const {
  std::size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::size_t dot = last.rfind('.');
  if (dot != std::string_view::npos && last.size() - dot - 1 <= 16) {
    char ext[17];
    std::size_t n = 0;
    for (char c : last.substr(dot + 1))
      ext[n++] = util::ascii_lower(c);
    if (std::binary_search(m_asset_extensions.begin(), m_asset_extensions.end(), std::string_view(ext, n))) {
      return true;
    }
  }
  return m_asset_paths->any(path);
}

std::vector<std::pair<std::string, std::size_t>> Rules::counts() const { return m_counts; }

const std::vector<Rule>& Rules::agents() const { return m_agents->rules(); }

} // namespace darkscan
