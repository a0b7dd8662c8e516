#include <darkscan/classify/rule_family.hpp>
#include <darkscan/classify/rule_file.hpp>
#include <darkscan/classify/rules_reading.hpp>
#include <darkscan/common/error.hpp>

#include <algorithm>

namespace darkscan {

namespace {

// The words of the kind columns, in the order of their enums (AgentKind, ReferrerKind, PackageKind).
// clang-format off
constexpr std::array<std::string_view, 10> agent_kinds = { // not for translation: words of the rules files
    "browser", "preview", "messaging", "social", "app", "bot", "preview-public", "preview-mixed", "mail", "bot-first"};
// clang-format on
constexpr std::array<std::string_view, 5> referrer_kinds = {"other", "mail", "messaging", "social", "search"};
constexpr std::array<std::string_view, 5> package_kinds = {"browser", "messaging", "social", "mail", "app"};

// One file of "id kind app pattern" lines; `kind` reads the kind column.
std::vector<Rule>
load_kind_rules(const std::string& path,
                const std::function<std::uint8_t(const std::string&, const std::string&)>& kind) {
  std::vector<Rule> rules;
  for (RuleLine& line : read_rule_file(path, 4)) {
    Rule r;
    r.origin = line.origin;
    r.id = line.columns[0];
    if (!valid_rule_id(r.id))
      throw Error(message(N_("{}: bad id '{}' (use a-z, 0-9, '.', '_', '-')"), r.origin, r.id));
    r.kind = kind(line.columns[1], r.origin);
    r.app = app_name(line.columns[2], r.origin);
    r.pattern = line.columns[3];
    check_pattern(r.pattern, r.origin);
    rules.push_back(std::move(r));
  }
  return rules;
}

// agents.rules' match order (doc/RULES.md): previews, then bots that carry an app's token, then
// in-app kinds, then bots and browsers in file order (a browser rule goes after the named bots
// and before the generic ones: a crawler that adds a browser's token stays a bot).
int agent_priority(std::uint8_t kind) {
  switch (static_cast<AgentKind>(kind)) {
  case AgentKind::preview:
  case AgentKind::preview_public:
  case AgentKind::preview_mixed: return 0;
  case AgentKind::bot_first: return 1;
  case AgentKind::bot:
  case AgentKind::browser: return 3;
  default: return 2;
  }
}

} // namespace

std::string_view agent_kind_name(AgentKind kind) { return agent_kinds[static_cast<std::size_t>(kind)]; }

Evidence after_preview_evidence(const Rule& preview) {
  return static_cast<AgentKind>(preview.kind) == AgentKind::preview_mixed
             ? Evidence::direct_deep_after_mixed_preview
             : Evidence::direct_deep_after_preview;
}

std::vector<Rule> read_agents_rules(const std::vector<std::string>& dirs) {
  auto agent_kind = [](const std::string& word, const std::string& origin) {
    return parse_kind(word, agent_kinds, origin, "agents.rules");
  };
  std::vector<Rule> agents =
      merge_dirs(dirs, "agents.rules", [&](const std::string& p) { return load_kind_rules(p, agent_kind); });
  std::stable_sort(agents.begin(), agents.end(), [](const Rule& a, const Rule& b) {
    return agent_priority(a.kind) < agent_priority(b.kind);
  });
  return agents;
}

std::vector<Rule> read_referrers_rules(const std::vector<std::string>& dirs) {
  auto referrer_kind = [](const std::string& word, const std::string& origin) {
    return parse_kind(word, referrer_kinds, origin, "referrers.rules");
  };
  return merge_dirs(dirs, "referrers.rules",
                    [&](const std::string& p) { return load_kind_rules(p, referrer_kind); });
}

std::vector<Rule> read_xrw_rules(const std::vector<std::string>& dirs) {
  auto package_kind = [](const std::string& word, const std::string& origin) {
    return parse_kind(word, package_kinds, origin, "xrw.rules");
  };
  return merge_dirs(dirs, "xrw.rules",
                    [&](const std::string& p) { return load_kind_rules(p, package_kind); });
}

} // namespace darkscan
