#include <darkscan/classify/rule_family.hpp>
#include <darkscan/classify/rules.hpp>
#include <darkscan/classify/rules_reading.hpp>
#include <darkscan/common/error.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iterator>

namespace darkscan {

namespace fs = std::filesystem;

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

// Each file read (rules_reading.hpp) and compiled in turn: the first error met is the one told.
Rules Rules::load_dirs(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw Error(translated(N_("rules: no rules directory")));
  for (const std::string& dir : dirs) {
    if (!fs::is_directory(dir))
      throw Error(message(N_("cannot read rules directory '{}': not a directory"), dir));
  }
  // A directory of the user's (after the first) whose files darkscan would not read: a misnamed file
  // ("agent.rules") or an empty folder was silently no rule at all (a robustness review, 2026-12-06).
  static constexpr std::array<std::string_view, 8> k_files = {
      // not for translation: file names
      "agents.rules",  "referrers.rules", "xrw.rules",     "params.rules",
      "landing.rules", "assets.rules",    "content.rules", "weights.rules"};
  for (std::size_t d = 1; d < dirs.size(); ++d) {
    bool any = false;
    for (const fs::directory_entry& entry : fs::directory_iterator(dirs[d])) {
      const std::string name = entry.path().filename().string();
      const bool known = std::find(k_files.begin(), k_files.end(), name) != k_files.end();
      any = any || known;
      if (!known && entry.path().extension() == ".rules") {
        throw Error(message(N_("{}: not a rules file darkscan reads (they are agents.rules, referrers.rules, "
                               "xrw.rules, params.rules, landing.rules, assets.rules, content.rules and "
                               "weights.rules)"),
                            entry.path().string()));
      }
    }
    if (!any) {
      throw Error(
          message(N_("rules directory '{}' holds none of the rules files (agents.rules, referrers.rules, "
                     "xrw.rules, params.rules, landing.rules, assets.rules, content.rules, weights.rules)"),
                  dirs[d]));
    }
  }
  Rules out;
  std::vector<Rule> agents = read_agents_rules(dirs);
  out.m_counts.emplace_back("agents.rules", agents.size());
  out.m_agents = std::make_unique<RuleFamily>(std::move(agents), RE2::UNANCHORED, true);

  std::vector<Rule> referrers = read_referrers_rules(dirs);
  out.m_counts.emplace_back("referrers.rules", referrers.size());
  out.m_referrers = std::make_unique<RuleFamily>(std::move(referrers), RE2::UNANCHORED);

  std::vector<Rule> packages = read_xrw_rules(dirs);
  out.m_counts.emplace_back("xrw.rules", packages.size());
  out.m_packages = std::make_unique<RuleFamily>(std::move(packages), RE2::UNANCHORED);

  ParamRules params = read_params_rules(dirs);
  out.m_params = std::move(params.rules);
  out.m_param_patterns = std::move(params.patterns);
  out.m_param_names = std::move(params.names);
  out.m_param_name_of = std::move(params.name_of);
  out.m_counts.emplace_back("params.rules", params.written);

  LandingRules landing = read_landing_rules(dirs);
  out.m_counts.emplace_back("landing.rules", landing.rules.size());
  out.m_landing_files = std::move(landing.files);
  out.m_landing = std::make_unique<RuleFamily>(std::move(landing.rules), RE2::ANCHOR_BOTH);

  AssetRules assets = read_assets_rules(dirs);
  out.m_asset_extensions = std::move(assets.extensions);
  for (const std::string& ext : out.m_asset_extensions)
    if (!ext.empty() && ext.size() <= k_extension_word_bytes)
      out.m_asset_extension_words.insert(extension_word(ext));
  out.m_counts.emplace_back("assets.rules", assets.count);
  out.m_asset_paths = std::make_unique<RuleFamily>(std::move(assets.paths), RE2::UNANCHORED);

  ContentRules content = read_content_rules(dirs);
  out.m_content_params = std::move(content.names);
  out.m_never_content_params = std::move(content.never);
  out.m_counts.emplace_back("content.rules", content.count);

  WeightRules weights = read_weights_rules(dirs);
  out.m_weights = weights.weights;
  out.m_settings = weights.settings;
  out.m_weight_rules = std::move(weights.rules);
  out.m_counts.emplace_back("weights.rules", weights.count);
  return out;
}

const Rule* Rules::match_agent(std::string_view user_agent) const { return m_agents->match(user_agent); }
const Rule* Rules::match_referrer(std::string_view host) const { return m_referrers->match(host); }
const Rule* Rules::match_package(std::string_view package) const { return m_packages->match(package); }

std::vector<std::pair<std::string, std::size_t>> Rules::counts() const { return m_counts; }

const std::vector<Rule>& Rules::agents() const { return m_agents->rules(); }

std::string share_tag(std::string_view app) {
  return "utm_source=" + std::string(app.empty() ? "whatsapp" : app) + "&utm_medium=share";
}

PublicApps Rules::public_apps() const {
  // `chats`: apps some rule files as a messenger or a mail app (Snapchat, Google Chat), whatever a
  // tag naming them says (a review: "google" in a tag made Google Chat a public network).
  std::vector<std::string> public_previews, private_previews, named, chats;
  // Each family's apps, and those it files as a messenger or a mail app.
  const auto collect = [&](const std::vector<Rule>& rules, auto messaging, auto mail) {
    for (const Rule& r : rules) {
      if (r.app.empty()) continue;
      named.push_back(r.app);
      const auto kind = static_cast<decltype(messaging)>(r.kind);
      if (kind == messaging || kind == mail) chats.push_back(r.app);
    }
  };
  collect(agents(), AgentKind::messaging, AgentKind::mail);
  collect(m_referrers->rules(), ReferrerKind::messaging, ReferrerKind::mail);
  collect(m_packages->rules(), PackageKind::messaging, PackageKind::mail);
  for (const Rule& r : agents()) {
    const auto kind = static_cast<AgentKind>(r.kind);
    if (!r.app.empty() && is_preview(kind))
      (is_evidence_preview(kind) ? private_previews : public_previews).push_back(r.app);
  }
  for (std::vector<std::string>* v : {&public_previews, &private_previews, &named, &chats}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  PublicApps out;
  std::set_difference(public_previews.begin(), public_previews.end(), private_previews.begin(),
                      private_previews.end(), std::back_inserter(out.previewers));
  for (const std::string& app : named)
    if (!std::binary_search(chats.begin(), chats.end(), app) && !is_private_tag(share_tag(app)))
      out.networks.push_back(app);
  return out;
}

} // namespace darkscan
