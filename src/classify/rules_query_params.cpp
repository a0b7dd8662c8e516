#include <darkscan/classify/rule_family.hpp>
#include <darkscan/classify/rule_file.hpp>
#include <darkscan/classify/rules_reading.hpp>
#include <darkscan/common/error.hpp>
#include <darkscan/util/text.hpp>
#include <darkscan/util/url_path.hpp>

#include <algorithm>
#include <filesystem>

namespace darkscan {

namespace fs = std::filesystem;

namespace {

// The words of params.rules' channel column, in TagKind order (not for translation).
constexpr std::array<std::string_view, 5> tag_kinds = {"none", "dark_social", "social", "campaign",
                                                       "broadcast"};

// The names of a parameter column: "utm_source|mtm_source" names two.
std::vector<std::string_view> names_of(std::string_view column) {
  std::vector<std::string_view> names;
  for (std::size_t from = 0;;) {
    const std::size_t bar = column.find('|', from);
    names.push_back(column.substr(from, bar == std::string_view::npos ? std::string_view::npos : bar - from));
    if (bar == std::string_view::npos) return names;
    from = bar + 1;
  }
}

// One params.rules file: "id channel app parameter value-pattern".
std::vector<Rule> load_params_file(const std::string& path) {
  std::vector<Rule> rules;
  for (RuleLine& line : read_rule_file(path, 5)) {
    Rule r;
    r.origin = line.origin;
    r.id = line.columns[0];
    if (!valid_rule_id(r.id)) throw Error(message(N_("{}: bad id '{}'"), r.origin, r.id));
    if (line.columns[1] == "none") throw Error(message(N_("{}: channel 'none' is not a channel"), r.origin));
    r.kind = parse_kind(line.columns[1], tag_kinds, r.origin, "params.rules");
    r.app = app_name(line.columns[2], r.origin);
    r.param = line.columns[3];
    std::transform(r.param.begin(), r.param.end(), r.param.begin(), util::ascii_lower);
    for (const std::string_view name : names_of(r.param)) {
      if (name.empty() || name.find_first_of("=&?#") != std::string_view::npos)
        throw Error(message(N_("{}: '{}' is not a parameter name"), r.origin, line.columns[3]));
    }
    r.pattern = line.columns[4];
    if (r.pattern != "*") check_pattern(r.pattern, r.origin);
    rules.push_back(std::move(r));
  }
  return rules;
}

} // namespace

ParamRules read_params_rules(const std::vector<std::string>& dirs) {
  ParamRules params;
  // A rule of several names ("utm_source|mtm_source": GA's tag and Matomo's) is one rule per name,
  // side by side, so that the first rule that matches still wins.
  // Its pattern is compiled once for all its names.
  for (Rule& rule : merge_dirs(dirs, "params.rules", load_params_file)) {
    ++params.written;
    const std::shared_ptr<const RE2> pattern =
        rule.pattern == "*" ? nullptr : std::make_shared<const RE2>(rule.pattern, pattern_options());
    for (const std::string_view name : names_of(rule.param)) {
      Rule one = rule;
      one.param = std::string(name);
      params.rules.push_back(std::move(one));
      params.patterns.push_back(pattern);
    }
  }
  for (const Rule& r : params.rules) {
    const auto known = std::find(params.names.begin(), params.names.end(), r.param);
    params.name_of.push_back(static_cast<std::uint16_t>(known - params.names.begin()));
    if (known == params.names.end()) params.names.push_back(r.param);
  }
  return params;
}

ContentRules read_content_rules(const std::vector<std::string>& dirs) {
  ContentRules content;
  for (const std::string& dir : dirs) {
    const std::string path = (fs::path(dir) / "content.rules").string();
    if (!fs::exists(path)) continue;
    for (RuleLine& line : read_rule_file(path, 1)) {
      ++content.count;
      const bool never = line.columns[0].front() == '!'; // "!s": never learned
      const std::string name = never ? line.columns[0].substr(1) : line.columns[0];
      if (name.empty() || name.find_first_of("=&?#!") != std::string::npos)
        throw Error(message(N_("{}: '{}' is not a parameter name"), line.origin, line.columns[0]));
      std::vector<std::string>& list = never ? content.never : content.names;
      if (std::find(list.begin(), list.end(), name) == list.end()) list.push_back(name);
    }
  }
  return content;
}

const Rule* Rules::match_query(std::string_view query) const {
  if (query.empty() || m_params.empty()) return nullptr;
  // The query's parameters that some rule names (at most 32 looked at).
  // Each by the index of its name: a rule's name is compared as a number (108 rules since a rule
  // may name several parameters: callgrind, 200,000 lines, 19 instructions a line more by name).
  struct Param {
    std::size_t name;
    std::string_view value;
  };
  std::array<Param, 32> params;
  std::size_t count = 0;
  for (util::QueryParam param; count < params.size() && util::next_param(query, param);) {
    for (std::size_t n = 0; n < m_param_names.size(); ++n) {
      if (util::iequals(param.name, m_param_names[n])) {
        params[count++] = {n, param.value};
        break;
      }
    }
  }
  if (count == 0) return nullptr;
  for (std::size_t i = 0; i < m_params.size(); ++i) {
    const Rule& rule = m_params[i];
    for (std::size_t k = 0; k < count; ++k) {
      if (params[k].name != m_param_name_of[i]) continue;
      const RE2* re = m_param_patterns[i].get();
      if (!re || RE2::PartialMatch(params[k].value, *re)) return &rule;
    }
  }
  return nullptr;
}

bool Rules::is_private_tag(std::string_view query) const {
  const Rule* rule = match_query(query);
  return rule && static_cast<TagKind>(rule->kind) == TagKind::dark_social;
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

} // namespace darkscan
