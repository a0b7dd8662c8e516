#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <darkscan/classify/evidence.hpp>
#include <darkscan/util/cidr.hpp>
#include <darkscan/util/word_set.hpp>

namespace re2 {
class RE2;
} // namespace re2

namespace darkscan {

// What a user agent says about the hit (agents.rules). The preview kinds say where the link was
// pasted: `preview` a private channel (a chat, a mail: evidence of a private share),
// `preview_public` a public post (counted, never evidence), `preview_mixed` either (Facebook's
// fetcher serves Messenger and public posts alike: evidence at its own weight). `mail`: a mail
// app's in-app browser (Outlook mobile), a private channel after the site's own campaign tags.
// `bot_first`: a bot whose agent carries an app's token ("Twitter for iPhone BrandVerity/1.0",
// WeChat's developer tools), tried before the in-app kinds.
enum class AgentKind : std::uint8_t {
  browser,
  preview,
  messaging,
  social,
  app,
  bot,
  preview_public,
  preview_mixed,
  mail,
  bot_first
};

// The word for `kind` in agents.rules ("preview-public").
std::string_view agent_kind_name(AgentKind kind);

// True for the preview kinds whose fetches are evidence of a private share
// (kept in PreviewMemory): preview and preview_mixed, not preview_public.
constexpr bool is_evidence_preview(AgentKind kind) {
  return kind == AgentKind::preview || kind == AgentKind::preview_mixed;
}

// True for the two bot kinds.
constexpr bool is_bot(AgentKind kind) { return kind == AgentKind::bot || kind == AgentKind::bot_first; }

// True for the three preview kinds.
constexpr bool is_preview(AgentKind kind) {
  return kind == AgentKind::preview || kind == AgentKind::preview_public || kind == AgentKind::preview_mixed;
}
// What a referrer host is (referrers.rules).
enum class ReferrerKind : std::uint8_t { other, mail, messaging, social, search };
// What a URL parameter says (params.rules).
// broadcast: the site's own channel in a messenger (a WhatsApp or Telegram channel): a campaign
// decided before the messenger's browser says "a chat".
enum class TagKind : std::uint8_t { none, dark_social, social, campaign, broadcast };
// What an X-Requested-With package is (xrw.rules).
enum class PackageKind : std::uint8_t { browser, messaging, social, mail, app };

// One rule of any file. `kind` holds the file's kind enum as a number.
struct Rule {
  std::string id;      // reason id shown to users, e.g. "ua.inapp.messenger"
  std::string app;     // "" for none
  std::string param;   // params.rules only
  std::string pattern; // as written
  std::string origin;  // "rules/agents.rules:14"
  std::uint8_t kind = 0;
};

// The evidence of a referrer-less deep arrival after a fetch by `preview` (a preview rule of
// kind preview or preview_mixed; public previews are not remembered as evidence).
Evidence after_preview_evidence(const Rule& preview);

class RuleFamily;

// The tag a share button that names `app` would add to its links ("utm_source=whatsapp&utm_medium=
// share"; WhatsApp's when `app` is empty): the report's advice suggests it, and an app whose tag the
// rules count as a public post is a public network (PublicApps).
std::string share_tag(std::string_view app);

// Apps whose signs say nothing of a private share, sorted, so that a page's top app and the report's
// apps name the channels people share through privately (an analyst's review, 2026-12-06: a page's top
// app was Flipboard, or Facebook for in-app arrivals the site model counts 0.4 private).
struct PublicApps {
  // Apps whose link previews all come from public posts (agents.rules kind preview-public only: X,
  // LinkedIn, Flipboard...): their previews are not counted.
  std::vector<std::string> previewers;
  // Public networks: apps whose share tag (utm_source=APP&utm_medium=share) params.rules counts as a
  // public post, not a private share (Facebook, Instagram, X...): neither their previews nor their
  // arrivals are counted (Facebook's fetcher serves Messenger too, but Messenger's own browser names
  // Messenger).
  std::vector<std::string> networks;

  bool is_previewer(std::string_view app) const {
    return std::binary_search(previewers.begin(), previewers.end(), app);
  }
  bool is_network(std::string_view app) const {
    return std::binary_search(networks.begin(), networks.end(), app);
  }
};

// The classification knowledge of darkscan: all rules files of one or more
// directories, compiled once (RE2::Set per family). Immutable after load();
// matching costs one pass of a compiled set, so callers cache the results for
// repeated user agents and hosts.
class Rules {
public:
  Rules();
  ~Rules();
  Rules(Rules&&) noexcept;
  Rules& operator=(Rules&&) noexcept;

  // Loads `dirs` in order: the first is the base (built-in) set, each later
  // one replaces rules with the same id and adds new ones ahead of the others.
  // A file missing from a later directory is skipped; missing from the first,
  // it is an error. Throws Error(ExitCode::usage) naming file and line.
  static Rules load(const std::vector<std::string>& dirs);

  // The built-in rules directory: $DARKSCAN_RULES_DIR, else next to the
  // binary (../share/darkscan/rules, rules/, ../rules), else the source tree.
  // Throws Error when none exists.
  static std::string default_dir();

  // The winning rule, or nullptr (a plain browser, an unknown host...).
  const Rule* match_agent(std::string_view user_agent) const;
  const Rule* match_referrer(std::string_view host) const; // lower-case host or "scheme:package"
  const Rule* match_package(std::string_view package) const;
  // The first params rule (file order) matching a parameter of `query`
  // ("a=1&b=2", without '?').
  const Rule* match_query(std::string_view query) const;
  // True if `query` is a tag of a private share (a params rule of channel dark_social matches first).
  bool is_private_tag(std::string_view query) const;
  // True if some params rule names the parameter `name` (any case): a tag or a click id.
  bool is_tag_param(std::string_view name) const;

  bool is_landing(std::string_view path) const;
  // The landing rule matching `path`, or nullptr (for --explain; is_landing() for the verdict).
  const Rule* match_landing(std::string_view path) const;
  // The weights.rules line that set the weight of `evidence`, as a rule for --explain: id
  // "weight.<evidence>", pattern the line's text, origin its file and line.
  const Rule& weight_rule(Evidence evidence) const {
    return m_weight_rules[static_cast<std::size_t>(evidence)];
  }
  // The landing.rules files read, for --explain to cite when none matched ("a, b").
  const std::string& landing_files() const { return m_landing_files; }
  // Query parameters that name a page's content (content.rules: "/?p=123" is an article, not the
  // home page): they stay in page keys, and a path with one is never a landing page.
  const std::vector<std::string>& content_params() const { return m_content_params; }
  // Names never learned as content parameters (content.rules "!s": search terms, pagination).
  const std::vector<std::string>& never_content_params() const { return m_never_content_params; }
  // Adds content parameters learned from the log (content_params.hpp), before the first match:
  // they then act as if content.rules named them. Names already present are skipped.
  void add_content_params(const std::vector<std::string>& names);
  // The proxies whose X-Forwarded-For is believed (--trusted-proxy; visitor_key.hpp): given on the
  // command line, not in a rules file, and set before the first hit, as learned content parameters are.
  const std::vector<util::Cidr>& trusted_proxies() const { return m_trusted_proxies; }
  void set_trusted_proxies(std::vector<util::Cidr> ranges) { m_trusted_proxies = std::move(ranges); }
  // The addresses whose lines are left out (--exclude-ip: the site's own office, a monitor).
  const std::vector<util::Cidr>& excluded_addresses() const { return m_excluded_addresses; }
  void set_excluded_addresses(std::vector<util::Cidr> ranges) { m_excluded_addresses = std::move(ranges); }
  bool is_asset(std::string_view path) const; // by extension or path rule
  // Whether the last segment of `path` ends in an asset extension (is_asset's first half: a
  // few instructions, asked before any cache of is_asset's answers).
  bool has_asset_extension(std::string_view path) const;
  double weight(Evidence evidence) const { return m_weights[static_cast<std::size_t>(evidence)].value; }
  const Weights& weights() const { return m_weights; }
  const EstimateSettings& settings() const { return m_settings; }

  // Rules per file, for `darkscan rules check`.
  std::vector<std::pair<std::string, std::size_t>> counts() const;

  // Every rule of the agents file, in match order (for tests and --explain).
  const std::vector<Rule>& agents() const;
  // The apps these rules hold for public (PublicApps), for a page's top app.
  PublicApps public_apps() const;

private:
  static Rules load_dirs(const std::vector<std::string>& dirs);
  std::unique_ptr<RuleFamily> m_agents, m_referrers, m_packages, m_landing, m_asset_paths;
  std::vector<Rule> m_params;
  std::vector<std::shared_ptr<const re2::RE2>> m_param_patterns; // null for "*"; one for a rule's names
  std::vector<std::string> m_param_names;                  // distinct, lower case
  std::vector<std::uint16_t> m_param_name_of;              // each rule's, an index into m_param_names
  std::vector<std::string> m_asset_extensions;             // lower case, sorted
  // Those of 1-7 bytes as words (extension_word): a lookup on every line, where a binary search of
  // the 50 shipped extensions took six branches the processor cannot predict (70 instructions a
  // line, callgrind).
  util::WordSet m_asset_extension_words;
  Weights m_weights{};
  EstimateSettings m_settings{};
  std::vector<std::string> m_content_params;
  std::array<Rule, k_evidence_count> m_weight_rules;
  std::string m_landing_files;
  std::vector<std::string> m_never_content_params;
  std::vector<util::Cidr> m_trusted_proxies;
  std::vector<util::Cidr> m_excluded_addresses;
  std::vector<std::pair<std::string, std::size_t>> m_counts;
};

} // namespace darkscan
